package io.jetconnect.plugins.sign;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code jetconnect verify}.
 *
 * @param keys the keys, each with its id
 * @param stream the stream to read, or null
 * @param file the JSON Lines file to read ({@code -} for standard input), or null
 * @param requireSigned whether an unsigned event is a failure
 * @param help whether only the usage was asked for
 */
record VerifyArguments(List<KeyArgument> keys, String stream, String file, boolean requireSigned, boolean help) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: jetconnect verify (--key-file FILE | --key ID=FILE)... [--require-signed] (--stream NAME | FILE.jsonl | -)",
            "  --key-file FILE   a key (HMAC secret, Ed25519 private or public PEM); its id is the file name up to",
            "                    the first dot: keys/k2025.pub.pem verifies sigkeyid k2025",
            "  --key ID=FILE     a key with an explicit id",
            "  --stream NAME     verify every message of a stream: a key of jetconnect.streams or a stream name",
            "  FILE.jsonl        verify one structured-mode CloudEvent (JSON) per line; - reads standard input",
            "  --require-signed  count unsigned events as a failure too",
            "Prints valid=N invalid=N unsigned=N, and one line per invalid event on standard error.",
            "Exit status: 0 no invalid event, 1 some invalid (or unsigned, with --require-signed), 2 usage or I/O error.");

    /** One key given on the command line. */
    record KeyArgument(String id, Path file) {
    }

    VerifyArguments {
        keys = List.copyOf(keys);
    }

    static VerifyArguments parse(List<String> args) throws UsageException {
        List<KeyArgument> keys = new ArrayList<>();
        String stream = null;
        String file = null;
        boolean requireSigned = false;
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
                    return new VerifyArguments(List.of(), null, null, false, true);
                }
                case "--require-signed" -> {
                    if (value != null) {
                        throw new UsageException("--require-signed takes no value");
                    }
                    requireSigned = true;
                }
                case "--key-file" -> {
                    Path path = path(arg, value != null ? value : next(args, ++i, arg));
                    String id = KeyFiles.defaultKeyId(path);
                    if (!KeyFiles.validKeyId(id)) {
                        throw new UsageException("cannot take a key id from the file name " + path.getFileName()
                                + "; use --key ID=" + path);
                    }
                    keys.add(new KeyArgument(id, path));
                }
                case "--key" -> {
                    String spec = value != null ? value : next(args, ++i, arg);
                    int sep = spec.indexOf('=');
                    if (sep <= 0 || sep == spec.length() - 1) {
                        throw new UsageException("--key takes ID=FILE");
                    }
                    String id = spec.substring(0, sep);
                    if (!KeyFiles.validKeyId(id)) {
                        throw new UsageException("key id '" + id + "' is not 1 to 64 of A-Za-z0-9._- starting with "
                                + "a letter or digit");
                    }
                    keys.add(new KeyArgument(id, path(arg, spec.substring(sep + 1))));
                }
                case "--stream" -> {
                    if (stream != null) {
                        throw new UsageException("--stream is given twice");
                    }
                    stream = value != null ? value : next(args, ++i, arg);
                }
                default -> {
                    if (arg.startsWith("-") && !arg.equals("-")) {
                        throw new UsageException("unknown option " + args.get(i));
                    }
                    if (file != null) {
                        throw new UsageException("one input file only (got " + file + " and " + arg + ")");
                    }
                    file = arg;
                }
            }
        }
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
        return new VerifyArguments(keys, stream, file, requireSigned, false);
    }

    private static String next(List<String> args, int index, String option) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(index);
    }

    private static Path path(String option, String text) throws UsageException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(option + ": not a valid path");
        }
    }
}
