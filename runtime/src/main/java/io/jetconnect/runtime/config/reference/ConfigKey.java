package io.jetconnect.runtime.config.reference;

/**
 * One documented key of a {@code reference.conf}.
 *
 * @param path the key's path below the block it was read from, e.g. {@code http.port}
 * @param type what it takes: {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code duration},
 *     {@code size}, {@code list}, {@code object}
 * @param defaultValue its default as HOCON text; {@code (unset)} for a key that is only described in a comment
 * @param doc the comment above it, its lines joined; empty when it has none
 */
public record ConfigKey(String path, String type, String defaultValue, String doc) {
}
