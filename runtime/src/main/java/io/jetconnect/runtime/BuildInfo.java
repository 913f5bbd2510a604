package io.jetconnect.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The runtime's version, from {@code version.properties} beside this class, which Maven fills in from the POM's
 * {@code project.version} at build time (so it cannot drift from the artifact). Read once.
 */
public final class BuildInfo {

    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** @return the version, such as {@code 0.1.0-SNAPSHOT}; {@code unknown} when run from unfiltered sources */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
