package io.jetconnect.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version this runtime was built as, from a resource the Maven build writes ({@code build.properties}), so
 * {@code --version} and the logs cannot disagree with the artifacts' version.
 */
public final class BuildVersion {

    private static final String VERSION = read();

    private BuildVersion() {
    }

    /** @return the Maven project version, e.g. {@code 0.2.0}; {@code unknown} when run from unfiltered sources */
    public static String version() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = BuildVersion.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            // An IDE that copies resources without filtering leaves the placeholder.
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
