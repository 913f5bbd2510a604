package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The work of a built-in verb that reads {@code pipeline.conf}: made for one call from where the file is and where
 * to print ({@link Factory}, the command's constructor), then run on the verb's remaining words.
 */
interface ConfigCommand {

    /**
     * @param args the words picocli left over, in order; the command checks them itself
     * @return the exit code
     */
    int run(List<String> args);

    /** A command's constructor. */
    @FunctionalInterface
    interface Factory {
        ConfigCommand create(ConfigLocation location, PrintStream out, PrintStream err);
    }
}
