package io.jetconnect.plugins.replay;

import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.CliCommand;
import io.jetconnect.spi.CommandContext;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.spi.TypeName;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code jetconnect tail --stream NAME [--subject S] [--since SEQ] [--max N]}: prints the events of a stream as
 * they arrive, from sequence SEQ on (inclusive), one JSON line each with the stream sequence and subject, until interrupted (or after {@code --max} of them). Reads with an
 * ordered consumer (ephemeral, no acks, re-created by the client after a reconnect), so it changes nothing on the
 * server. Exit status: 0 after {@code --max} messages, 1 when NATS or the stream cannot be read, 2 on a usage
 * error.
 */
@Extension
@TypeName("tail")
public final class TailCommand implements CliCommand {

    private static final Duration POLL = Duration.ofSeconds(1);

    @Override
    public String summary() {
        return "print the events of a stream as they arrive, one JSON line each";
    }

    @Override
    public int run(List<String> args, CommandContext context) {
        PrintStream err = context.err();
        TailArguments arguments;
        try {
            arguments = TailArguments.parse(args);
        } catch (TailArguments.UsageException e) {
            err.println("tail: " + e.getMessage());
            err.println(TailArguments.USAGE);
            return 2;
        }
        if (arguments.help()) {
            context.out().println(TailArguments.USAGE);
            return 0;
        }
        String stream = streamName(arguments.stream(), context);
        try (Connection connection = NatsConnector.connect(context.nats(),
                context.nats().connectionName() + "-tail")) {
            return tail(connection, stream, arguments, context);
        } catch (IOException | JetconnectException e) {
            err.println("tail: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int tail(Connection connection, String name, TailArguments arguments, CommandContext context)
            throws IOException, InterruptedException {
        PrintStream err = context.err();
        StreamContext stream;
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration();
        if (arguments.subject() != null) {
            config.filterSubject(arguments.subject());
        }
        try {
            stream = connection.getStreamContext(name);
            if (arguments.since() == null) {
                config.deliverPolicy(DeliverPolicy.New);
            } else {
                // --since N starts at sequence N itself; 0 and 1 both mean the first message.
                long begin = Math.max(1, arguments.since());
                long first = stream.getStreamInfo().getStreamState().getFirstSequence();
                RetentionGap gap = RetentionGap.between(begin, first, false);
                if (gap != null) {
                    err.println("tail: " + gap.describe(name) + "; beginning at " + first);
                }
                config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(begin);
            }
        } catch (JetStreamApiException e) {
            err.println("tail: " + (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND ? "stream " + name + " does not exist"
                    : "cannot read stream " + name + ": " + e.getErrorDescription()));
            return 1;
        }
        TailPrinter printer = new TailPrinter(context.out());
        long printed = 0;
        IterableConsumer messages = null;
        try {
            messages = stream.createOrderedConsumer(config).iterate();
            while (arguments.max() == 0 || printed < arguments.max()) {
                if (Thread.currentThread().isInterrupted()) {
                    return 0;
                }
                Message message = messages.nextMessage(POLL);
                if (message == null) {
                    continue;
                }
                try {
                    printer.event(message.metaData().streamSequence(), message.getSubject(),
                            NatsEventReader.read(message));
                } catch (InvalidMessageException e) {
                    printer.invalid(message.metaData().streamSequence(), message.getSubject(),
                            message.getHeaders() == null ? null : message.getHeaders().getFirst("Nats-Msg-Id"),
                            e.getMessage());
                }
                printed++;
            }
            return 0;
        } catch (JetStreamApiException e) {
            err.println("tail: cannot read stream " + name + ": " + e.getErrorDescription());
            return 1;
        } catch (JetStreamStatusCheckedException e) {
            err.println("tail: the server ended the read: " + e.getMessage());
            return 1;
        } finally {
            if (messages != null) {
                messages.stop();
            }
        }
    }

    /** Resolves a stream reference as pipeline.conf does: a key of jetconnect.streams, else a stream name. */
    private static String streamName(String reference, CommandContext context) {
        StreamSpec byKey = context.streams().get(reference);
        return byKey != null ? byKey.name() : reference;
    }
}
