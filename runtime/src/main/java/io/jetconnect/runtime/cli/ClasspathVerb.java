package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A verb that a jar in the installation's {@code lib/} adds to {@code bin/jetconnect}, found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.jetconnect.runtime.cli.ClasspathVerb} entry), so
 * that the runtime need not depend on the module that provides it: {@code bench} comes this way. Unlike a plugin's
 * verb it is known before any plugin loads, and the top-level help lists it.
 *
 * <p>An implementation has a public no-argument constructor. Its arguments are handed over unchanged, {@code --help}
 * included: the verb prints its own help and keeps its own exit codes (0 success, 1 failure, 2 usage).
 */
public interface ClasspathVerb {

    /** @return the word after {@code jetconnect}; it must not be a built-in verb's */
    String name();

    /** @return one line for the top-level help */
    String description();

    /**
     * Runs the verb.
     *
     * @param args the arguments after the verb, as given
     * @return the process's exit code
     */
    int run(List<String> args, PrintStream out, PrintStream err);
}
