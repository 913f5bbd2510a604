package io.jetconnect.plugins.replay;

import java.util.List;

/**
 * The arguments of {@code jetconnect tail}.
 *
 * @param stream a key of {@code jetconnect.streams} or a stream name
 * @param subject the subject filter, or null for every message
 * @param since print from this stream sequence on (0 and 1: from the first), or null for only new messages
 * @param max stop after this many messages, or 0 for never
 * @param help whether only the usage was asked for
 */
record TailArguments(String stream, String subject, Long since, long max, boolean help) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: jetconnect tail --stream NAME [--subject SUBJECT] [--since SEQ] [--max N]",
            "  --stream NAME      a key of jetconnect.streams or a stream name",
            "  --subject SUBJECT  only messages of this subject (wildcards allowed)",
            "  --since SEQ        begin at stream sequence SEQ (0 or 1: from the first message); without it,",
            "                     only messages published from now on",
            "  --max N            exit after N messages (a scripting aid); without it, run until interrupted",
            "Prints each event as one JSON line {\"stream_sequence\":N,\"subject\":\"...\",\"event\":{...}}, the event in",
            "the CloudEvents JSON format (jq -c .event gives it back); a message that is no CloudEvent prints as",
            "{\"stream_sequence\":N,\"subject\":\"...\",\"error\":\"...\"}.",
            "Exit status: 0 after --max messages, 1 if NATS or the stream cannot be read, 2 on a usage error.");

    /** A command line that cannot be used; the message says why. */
    static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static TailArguments parse(List<String> args) throws UsageException {
        String stream = null;
        String subject = null;
        Long since = null;
        long max = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    return new TailArguments(null, null, null, 0, true);
                }
                case "--stream" -> {
                    if (stream != null) {
                        throw new UsageException("--stream is given twice");
                    }
                    stream = nonEmpty(arg, value != null ? value : next(args, ++i, arg));
                }
                case "--subject" -> {
                    if (subject != null) {
                        throw new UsageException("--subject is given twice");
                    }
                    subject = nonEmpty(arg, value != null ? value : next(args, ++i, arg));
                    if (subject.chars().anyMatch(Character::isWhitespace)) {
                        throw new UsageException("--subject: a subject cannot contain white space");
                    }
                }
                case "--since" -> {
                    since = number(arg, value != null ? value : next(args, ++i, arg), 0);
                }
                case "--max" -> {
                    max = number(arg, value != null ? value : next(args, ++i, arg), 1);
                }
                default -> throw new UsageException(arg.startsWith("-") ? "unknown option " + args.get(i)
                        : "unexpected argument " + arg);
            }
        }
        if (stream == null) {
            throw new UsageException("--stream NAME is required");
        }
        return new TailArguments(stream, subject, since, max, false);
    }

    private static String next(List<String> args, int index, String option) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(index);
    }

    private static String nonEmpty(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return value.trim();
    }

    private static long number(String option, String text, long least) throws UsageException {
        try {
            long value = Long.parseLong(text.trim());
            if (value < least) {
                throw new UsageException(option + " must be at least " + least);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a whole number, not '" + text + "'");
        }
    }
}
