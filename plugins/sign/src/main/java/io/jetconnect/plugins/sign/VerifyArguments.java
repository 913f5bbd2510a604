package io.jetconnect.plugins.sign;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The arguments of {@code jetconnect verify}, parsed by picocli as the built-in verbs' are. Keys given with
 * {@code --key-file} come before those given with {@code --key}; their order does not matter to a verification.
 *
 * @param keys the keys, each with its id
 * @param stream the stream to read, or null
 * @param file the JSON Lines file to read ({@code -} for standard input), or null
 * @param requireSigned whether an unsigned event is a failure
 * @param help whether only the usage was asked for
 */
record VerifyArguments(List<KeyArgument> keys, String stream, String file, boolean requireSigned, boolean help) {

    static final String USAGE =
            new CommandLine(new Options()).getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();

    @Command(name = "jetconnect verify", synopsisHeading = "usage: ", sortOptions = false,
            customSynopsis = "jetconnect verify (--key-file FILE | --key ID=FILE)... [--require-signed] "
                    + "(--stream NAME | FILE.jsonl | -)",
            description = "Verifies the signatures of events (sign decorator) in a stream or a JSON Lines file.",
            footer = {"Prints valid=N invalid=N unsigned=N, and one line per invalid event on standard error.",
                    "Exit status: 0 no invalid event, 1 some invalid (or unsigned, with --require-signed), 2 usage "
                    + "or I/O error."})
    static final class Options {
        @Option(names = "--key-file", paramLabel = "FILE", description = "a key (HMAC secret, Ed25519 private or "
                + "public PEM); its id is the file name up to the first dot: keys/k2025.pub.pem verifies sigkeyid "
                + "k2025")
        List<String> keyFiles = new ArrayList<>();

        @Option(names = "--key", paramLabel = "ID=FILE", description = "a key with an explicit id")
        List<String> keys = new ArrayList<>();

        @Option(names = "--stream", paramLabel = "NAME", description = "verify every message of a stream: a key of "
                + "jetconnect.streams or a stream name")
        String stream;

        @Option(names = "--require-signed", description = "count unsigned events as a failure too")
        boolean requireSigned;

        @Parameters(arity = "0..1", paramLabel = "FILE.jsonl", description = "verify one structured-mode "
                + "CloudEvent (JSON) per line; - reads standard input")
        String file;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
    }

    /** One key given on the command line. */
    record KeyArgument(String id, Path file) {
    }

    VerifyArguments {
        keys = List.copyOf(keys);
    }

    static VerifyArguments parse(List<String> args) throws UsageException {
        Options options = new Options();
        CommandLine line = new CommandLine(options);
        try {
            line.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            if (!line.isUsageHelpRequested()) {
                throw new UsageException(e.getMessage());
            }
        }
        if (line.isUsageHelpRequested()) {
            return new VerifyArguments(List.of(), null, null, false, true);
        }
        List<KeyArgument> keys = new ArrayList<>();
        for (String text : options.keyFiles) {
            Path path = path("--key-file", text);
            String id = KeyFiles.defaultKeyId(path);
            if (!KeyFiles.validKeyId(id)) {
                throw new UsageException("cannot take a key id from the file name " + path.getFileName()
                        + "; use --key ID=" + path);
            }
            keys.add(new KeyArgument(id, path));
        }
        for (String spec : options.keys) {
            int sep = spec.indexOf('=');
            if (sep <= 0 || sep == spec.length() - 1) {
                throw new UsageException("--key takes ID=FILE");
            }
            String id = spec.substring(0, sep);
            if (!KeyFiles.validKeyId(id)) {
                throw new UsageException("key id '" + id + "' is not 1 to 64 of A-Za-z0-9._- starting with "
                        + "a letter or digit");
            }
            keys.add(new KeyArgument(id, path("--key", spec.substring(sep + 1))));
        }
        String stream = options.stream;
        String file = options.file;
        if (keys.isEmpty()) {
            throw new UsageException("no key: give --key-file FILE or --key ID=FILE");
        }
        for (int a = 0; a < keys.size(); a++) {
            for (int b = a + 1; b < keys.size(); b++) {
                if (keys.get(a).id().equals(keys.get(b).id())) {
                    throw new UsageException("key id " + keys.get(a).id() + " is given twice ("
                            + keys.get(a).file() + ", " + keys.get(b).file() + ")");
                }
            }
        }
        if ((stream == null) == (file == null)) {
            throw new UsageException("give either --stream NAME or one FILE.jsonl");
        }
        return new VerifyArguments(keys, stream, file, options.requireSigned, false);
    }

    private static Path path(String option, String text) throws UsageException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(option + ": not a valid path");
        }
    }
}
