package io.jetconnect.runtime.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import io.jetconnect.spi.ConfigurationException;

/**
 * Formats configuration problems as {@code FILE:LINE: message}, the one shape {@code jetconnect check} prints.
 */
public final class ConfigErrors {

    private ConfigErrors() {
    }

    /** @return {@code FILE:LINE} for an origin, or its description when it has no file */
    public static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "<unknown>";
        }
        String file = origin.filename();
        if (file == null && origin.resource() != null) {
            file = origin.resource();
        }
        if (file == null) {
            return origin.description();
        }
        return origin.lineNumber() > 0 ? file + ":" + origin.lineNumber() : file;
    }

    /** @return an exception whose message is {@code FILE:LINE: Invalid value at 'path': message} */
    public static ConfigurationException invalid(ConfigOrigin origin, String path, String message) {
        return new ConfigurationException(where(origin) + ": Invalid value at '" + path + "': " + message);
    }

    /**
     * Turns Typesafe Config's exception into ours, keeping its origin and naming the full path.
     *
     * @param e the exception from Typesafe Config
     * @param basePath the path of the block the failing call was made on, or "" for the root
     */
    public static ConfigurationException translate(ConfigException e, String basePath) {
        String message = e.getMessage();
        // Typesafe Config starts its messages with the origin description; we print our own FILE:LINE instead.
        if (e.origin() != null) {
            String description = e.origin().description();
            if (message.startsWith(description + ": ")) {
                message = message.substring(description.length() + 2);
            }
            return new ConfigurationException(where(e.origin()) + ": " + qualify(message, basePath), e);
        }
        return new ConfigurationException(qualify(message, basePath), e);
    }

    private static String qualify(String message, String basePath) {
        if (basePath.isEmpty()) {
            return message;
        }
        return message + " (in '" + basePath + "')";
    }

    /** @return {@code base.key}, or {@code key} when base is empty */
    public static String join(String base, String key) {
        return base.isEmpty() ? key : base + "." + key;
    }
}
