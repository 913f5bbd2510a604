package io.jetconnect.runtime.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code pipeline.conf} is: {@code --config}, else {@code config/pipeline.conf} here, else the installation's. */
record ConfigLocation(Path file) {

    static ConfigLocation resolve(String given) {
        if (given != null) {
            return new ConfigLocation(Path.of(given));
        }
        Path local = Path.of("config", "pipeline.conf");
        String home = System.getProperty("jetconnect.home");
        if (!Files.exists(local) && home != null) {
            return new ConfigLocation(Path.of(home, "config", "pipeline.conf"));
        }
        return new ConfigLocation(local);
    }
}
