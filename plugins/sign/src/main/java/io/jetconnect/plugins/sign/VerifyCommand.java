package io.jetconnect.plugins.sign;

import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.NatsEventReader;
import io.cloudevents.CloudEvent;
import io.jetconnect.spi.CliCommand;
import io.jetconnect.spi.CommandContext;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.spi.TypeName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.pf4j.Extension;

/**
 * {@code jetconnect verify}: checks the signatures of the events of a JSON Lines file or of a JetStream stream
 * against the given keys, prints {@code valid=N invalid=N unsigned=N} on standard output and one line per invalid
 * event on standard error. Exit status 1 when any event is invalid, 2 on usage and I/O errors. See
 * docs/signing.md.
 */
@Extension
@TypeName("verify")
public final class VerifyCommand implements CliCommand {

    /** How long a stream read waits for the next message before it gives up on the rest. */
    static final Duration STREAM_IDLE = Duration.ofSeconds(5);

    @Override
    public String summary() {
        return "verify the signatures of events in a stream or a JSON Lines file";
    }

    @Override
    public int run(List<String> args, CommandContext context) {
        PrintStream err = context.err();
        VerifyArguments arguments;
        KeyRing ring;
        try {
            arguments = VerifyArguments.parse(args);
            if (arguments.help()) {
                context.out().println(VerifyArguments.USAGE);
                return 0;
            }
            ring = keyRing(arguments, err);
        } catch (UsageException e) {
            err.println("verify: " + e.getMessage());
            err.println(VerifyArguments.USAGE);
            return 2;
        }
        Tally tally = new Tally(ring, err);
        try {
            if (arguments.stream() != null) {
                String name = streamName(arguments.stream(), context);
                StreamEvents.Outcome outcome = StreamEvents.read(context.nats(), name, STREAM_IDLE, tally);
                if (!outcome.complete()) {
                    err.println("verify: stopped after " + outcome.read() + " messages: no message for "
                            + STREAM_IDLE.toSeconds() + "s before sequence " + outcome.lastSequence());
                }
            } else {
                readLines(arguments.file(), tally);
            }
        } catch (UsageException e) {
            err.println("verify: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("verify: interrupted");
            return 2;
        }
        context.out().println(tally.summary());
        return tally.invalid() > 0 || (arguments.requireSigned() && tally.unsigned() > 0) ? 1 : 0;
    }

    private static KeyRing keyRing(VerifyArguments arguments, PrintStream err) throws UsageException {
        List<SignatureKey> keys = new ArrayList<>();
        for (VerifyArguments.KeyArgument key : arguments.keys()) {
            try {
                SignatureKey loaded = KeyFiles.read(key.file(), key.id(), null);
                if (loaded.secret()) {
                    KeyFiles.permissionWarning(key.file()).ifPresent(w -> err.println("verify: warning: " + w));
                }
                keys.add(loaded);
                if (loaded.secret() && key.id().equals(KeyFiles.defaultKeyId(key.file()))) {
                    // A generated development key signs as dev-<digest> (DevKey): --key-file finds it under both.
                    String devId = DevKey.keyId(key.file());
                    if (!devId.equals(key.id())) {
                        keys.add(KeyFiles.read(key.file(), devId, null));
                    }
                }
            } catch (java.io.IOException e) {
                throw new UsageException("key file " + key.file() + " cannot be read: " + e.getMessage());
            } catch (KeyFileException e) {
                throw new UsageException("key file " + key.file() + " " + e.getMessage());
            }
        }
        return new KeyRing(keys);
    }

    /** Resolves a stream reference as pipeline.conf does: a key of jetconnect.streams, else a stream name. */
    private static String streamName(String reference, CommandContext context) {
        StreamSpec byKey = context.streams().get(reference);
        return byKey != null ? byKey.name() : reference;
    }

    private static void readLines(String file, EventVisitor visitor) throws UsageException {
        try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = "line " + number;
                CloudEvent event;
                try {
                    event = NatsEventReader.readStructured(line.getBytes(StandardCharsets.UTF_8));
                } catch (InvalidMessageException e) {
                    visitor.unreadable(where, e.getMessage());
                    continue;
                }
                visitor.event(where, event);
            }
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** Counts outcomes and reports invalid events. Used from one thread. */
    static final class Tally implements EventVisitor {

        private final KeyRing ring;
        private final PrintStream err;
        /** By {@link Verification.Status}, in the order the summary prints them. */
        private final long[] counts = new long[Verification.Status.values().length];

        Tally(KeyRing ring, PrintStream err) {
            this.ring = ring;
            this.err = err;
        }

        @Override
        public void event(String where, CloudEvent event) {
            Verification verification = ring.verify(event);
            counts[verification.status().ordinal()]++;
            if (verification.status() == Verification.Status.INVALID) {
                // Source and id together name the event (CloudEvents; the stream's Nats-Msg-Id is made of both).
                err.println("invalid " + where + " source=" + printable(String.valueOf(event.getSource()))
                        + " id=" + printable(event.getId()) + ": " + verification.reason());
            }
        }

        @Override
        public void unreadable(String where, String reason) {
            counts[Verification.Status.INVALID.ordinal()]++;
            err.println("invalid " + where + ": " + reason);
        }

        long invalid() {
            return counts[Verification.Status.INVALID.ordinal()];
        }

        long unsigned() {
            return counts[Verification.Status.UNSIGNED.ordinal()];
        }

        /** @return {@code valid=N invalid=N unsigned=N} */
        String summary() {
            StringJoiner out = new StringJoiner(" ");
            for (Verification.Status status : Verification.Status.values()) {
                out.add(status.name().toLowerCase(Locale.ROOT) + "=" + counts[status.ordinal()]);
            }
            return out.toString();
        }

        private static String printable(String text) {
            return text.replaceAll("[^\\x21-\\x7E]", "?");
        }
    }
}
