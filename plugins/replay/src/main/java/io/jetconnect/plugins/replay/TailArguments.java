package io.jetconnect.plugins.replay;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The arguments of {@code jetconnect tail}, parsed by picocli as the built-in verbs' are.
 *
 * @param stream a key of {@code jetconnect.streams} or a stream name
 * @param subject the subject filter, or null for every message
 * @param since print from this stream sequence on (0 and 1: from the first), or null for only new messages
 * @param max stop after this many messages, or 0 for never
 * @param help whether only the usage was asked for
 */
record TailArguments(String stream, String subject, Long since, long max, boolean help) {

    static final String USAGE = new CommandLine(new Options()).getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();

    /** A command line that cannot be used; the message says why. */
    static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    @Command(name = "jetconnect tail", synopsisHeading = "usage: ", sortOptions = false,
            description = "Prints the events of a stream as they arrive, one JSON line each.",
            footer = {"Each line is {\"stream_sequence\":N,\"subject\":\"...\",\"event\":{...}}, the event in the "
                    + "CloudEvents JSON format (jq -c .event gives it back); a message that is no CloudEvent prints "
                    + "as {\"stream_sequence\":N,\"subject\":\"...\",\"error\":\"...\"}.",
                    "Exit status: 0 after --max messages, 1 if NATS or the stream cannot be read, 2 on a usage error."})
    static final class Options {
        @Option(names = "--stream", paramLabel = "NAME", required = true,
                description = "a key of jetconnect.streams or a stream name")
        String stream;

        @Option(names = "--subject", paramLabel = "SUBJECT",
                description = "only messages of this subject (wildcards allowed)")
        String subject;

        @Option(names = "--since", paramLabel = "SEQ", description = "begin at stream sequence SEQ (0 or 1: from the "
                + "first message); without it, only messages published from now on")
        Long since;

        @Option(names = "--max", paramLabel = "N",
                description = "exit after N messages (a scripting aid); without it, run until interrupted")
        Long max;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
    }

    static TailArguments parse(List<String> args) throws UsageException {
        Options options = new Options();
        CommandLine line = new CommandLine(options);
        try {
            line.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            if (line.isUsageHelpRequested()) {
                return new TailArguments(null, null, null, 0, true);
            }
            throw new UsageException(e.getMessage());
        }
        if (line.isUsageHelpRequested()) {
            return new TailArguments(null, null, null, 0, true);
        }
        String stream = nonEmpty("--stream", options.stream);
        String subject = options.subject == null ? null : nonEmpty("--subject", options.subject);
        if (subject != null && subject.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("--subject: a subject cannot contain white space");
        }
        if (options.since != null && options.since < 0) {
            throw new UsageException("--since must be at least 0");
        }
        if (options.max != null && options.max < 1) {
            throw new UsageException("--max must be at least 1");
        }
        return new TailArguments(stream, subject, options.since, options.max == null ? 0 : options.max, false);
    }

    private static String nonEmpty(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return value.trim();
    }
}
