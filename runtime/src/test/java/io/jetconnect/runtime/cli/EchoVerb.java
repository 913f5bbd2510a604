package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A {@link ClasspathVerb} for the tests: prints its arguments, remembers them and exits 7. */
public final class EchoVerb implements ClasspathVerb {

    final List<List<String>> calls = new ArrayList<>();

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "Print the arguments.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        calls.add(List.copyOf(args));
        out.println(String.join(" ", args));
        return 7;
    }
}
