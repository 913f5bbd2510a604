package io.jetconnect.runtime.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Paths in {@code pipeline.conf} (data-dir, plugins-dir, admin-token-file, the NATS CA and credentials files)
 * resolve against the folder of that file, never the working directory: {@code run} started from another folder
 * must find the same spill log, cursors and keys, not silently start new ones.
 */
final class ConfigPaths {

    private ConfigPaths() {
    }

    /** @return {@code value} as an absolute, normalised path; a relative one taken from {@code base} */
    public static Path resolve(Path base, String value) {
        Path path = Path.of(value);
        return (path.isAbsolute() || base == null ? path.toAbsolutePath() : base.resolve(path)).normalize();
    }

    /** @return the resolved path, or empty for a null or blank value */
    public static Optional<Path> optional(Path base, String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(resolve(base, value));
    }

    /** @return whether the listener's host is a loopback address (a name that does not resolve is not) */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
