package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * Loads the file the way every verb does: its problems go to {@code err}, one {@code FILE:LINE: message} a line,
     * and the verb exits 1.
     *
     * @return the configuration, or empty when it has problems (already printed)
     */
    Optional<LoadedConfig> load(PrintStream err) {
        try {
            return Optional.of(new PipelineConfigLoader().load(file));
        } catch (ConfigProblems e) {
            e.problems().forEach(err::println);
            return Optional.empty();
        }
    }
}
