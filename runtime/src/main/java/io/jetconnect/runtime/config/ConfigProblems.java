package io.jetconnect.runtime.config;

import io.jetconnect.spi.ConfigurationException;
import java.util.List;

/** Every problem found in a configuration, each one a {@code FILE:LINE: message} line. */
public final class ConfigProblems extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigProblems(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return the problems, one line each */
    public List<String> problems() {
        return problems;
    }
}
