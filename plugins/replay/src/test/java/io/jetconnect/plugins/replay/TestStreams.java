package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helper: a connection to the test server, streams, and CloudEvents published in the NATS binding. */
final class TestStreams implements AutoCloseable {

    static final JsonFormat FORMAT = new JsonFormat();
    private static final int PUBLISH_WINDOW = 2000;

    private final Connection connection;
    private final JetStream js;

    TestStreams(String url) {
        try {
            connection = Nats.connect(new Options.Builder().server(url).maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(250)).connectionTimeout(Duration.ofSeconds(5))
                    .errorListener(new ErrorListener() {
                        // Tests that kill the server provoke connection errors on purpose.
                    })
                    .build());
            js = connection.jetStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Connection connection() {
        return connection;
    }

    /** Creates an unbounded stream {@code name} (as {@link #create}) holding events 1 to {@code count}. */
    void filled(String name, long count) {
        create(name, -1);
        publish(name, 1, count);
    }

    /** Creates a file stream capturing {@code <name>.>}, deleting any earlier one of that name. */
    void create(String name, long maxMessages) {
        try {
            try {
                connection.jetStreamManagement().deleteStream(name);
            } catch (JetStreamApiException notThere) {
                // a fresh name
            }
            connection.jetStreamManagement().addStream(StreamConfiguration.builder().name(name)
                    .subjects(name + ".>").storageType(StorageType.File).maxMessages(maxMessages).build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return event {@code n}, whose JSON data carries {@code padBytes} bytes of padding */
    static CloudEvent event(long n, int padBytes) {
        char[] pad = new char[padBytes];
        Arrays.fill(pad, 'x');
        byte[] data = ("{\"n\":" + n + ",\"pad\":\"" + new String(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
        return CloudEventBuilder.v1().withId(Long.toString(n)).withSource(URI.create("/test"))
                .withType("test.event").withData("application/json", data).build();
    }

    static CloudEvent event(long n) {
        return event(n, 16);
    }

    /** Publishes events {@code from..to} (ids are the numbers) in structured mode, in order, and waits for acks. */
    void publish(String stream, long from, long to, int dataBytes) {
        Headers headers = new Headers().put("content-type", JsonFormat.CONTENT_TYPE);
        Deque<CompletableFuture<PublishAck>> acks = new ArrayDeque<>();
        try {
            for (long n = from; n <= to; n++) {
                acks.add(js.publishAsync(stream + ".events", headers, FORMAT.serialize(event(n, dataBytes))));
                if (acks.size() >= PUBLISH_WINDOW) {
                    acks.poll().get(10, TimeUnit.SECONDS);
                }
            }
            while (!acks.isEmpty()) {
                acks.poll().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    void publish(String stream, long from, long to) {
        publish(stream, from, to, 16);
    }

    /** Publishes a message that is no CloudEvent. */
    void publishGarbage(String stream) {
        try {
            js.publish(stream + ".events", new Headers().put("content-type", "text/plain").put("Nats-Msg-Id", "garbage-1"),
                    "not an event".getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
