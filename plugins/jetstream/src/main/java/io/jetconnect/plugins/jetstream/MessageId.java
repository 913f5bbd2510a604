package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * How {@code Nats-Msg-Id}, the key the stream deduplicates on, is made from an event ({@code message-id}).
 *
 * <ul>
 *   <li>{@link #SOURCE_AND_ID} (default): CloudEvents identify an event by {@code source} and {@code id} together,
 *       so the key is {@code base64url(SHA-256(u32(len(S)) || S || u32(len(I)) || I))} without padding, where
 *       {@code S} and {@code I} are the UTF-8 bytes of the source and the id and {@code u32} is a big-endian
 *       unsigned 32-bit length: always 43 characters of {@code [A-Za-z0-9_-]}, whatever the lengths of source and
 *       id, so it stays far within the server's header limits. The length prefixes keep
 *       {@code ("/a", "b/c")} and {@code ("/a/b", "c")} apart. Vectors in docs/reliability.md.</li>
 *   <li>{@link #ID}: the event's {@code id} alone, percent-encoded as a header value ({@link EventEncoder}), as
 *       builds before 0.2 did: the same id from two sources is stored once.</li>
 * </ul>
 * Written in {@code message-id} as {@link io.jetconnect.spi.Setting#choice} names them. Thread-safe.
 */
enum MessageId {

    SOURCE_AND_ID {
        @Override
        String of(CloudEvent event) {
            return digest(event.getSource().toString(), event.getId());
        }
    },
    ID {
        @Override
        String of(CloudEvent event) {
            return EventEncoder.percentEncode(event.getId());
        }
    };

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    // MessageDigest is not thread-safe and getInstance costs a provider lookup: one per thread, reset per use.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    /** @return the {@code Nats-Msg-Id} of the event */
    abstract String of(CloudEvent event);

    /** @return {@code base64url(SHA-256(u32(len(S)) || S || u32(len(I)) || I))}, unpadded: 43 characters */
    static String digest(String source, String id) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        update(sha, source.getBytes(StandardCharsets.UTF_8));
        update(sha, id.getBytes(StandardCharsets.UTF_8));
        return BASE64URL.encodeToString(sha.digest());
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        int n = bytes.length;
        sha.update((byte) (n >>> 24));
        sha.update((byte) (n >>> 16));
        sha.update((byte) (n >>> 8));
        sha.update((byte) n);
        sha.update(bytes);
    }
}
