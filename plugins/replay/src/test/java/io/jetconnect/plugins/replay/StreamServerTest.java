package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;

import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the plugin's tests against a real server share: one server per class, a {@link TestStreams} on it, the
 * contexts of a source reading from it, and running a source until a condition holds.
 */
@ExtendWith(NatsServerExtension.class)
abstract class StreamServerTest {

    /** How long a test waits for a source to get somewhere before it fails. */
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static String url;
    static TestStreams streams;

    @BeforeAll
    static void connectStreams(NatsServer server) {
        url = server.url();
        streams = new TestStreams(url);
    }

    @AfterAll
    static void closeStreams() {
        streams.close();
    }

    /** @return contexts of a source of {@code type} reading from the test server with {@code config} */
    static TestContexts contexts(String type, String config) {
        return TestContexts.of(type).nats(url).config(config);
    }

    /** @return the ids of events {@code from..to} */
    static List<String> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(Long::toString).collect(Collectors.toList());
    }

    /** @return whether the cursor stored under {@code key} is {@code value} */
    static Callable<Boolean> cursorAt(TestContexts contexts, String key, long value) {
        return () -> Long.valueOf(value).equals(contexts.cursors().get(key));
    }

    /** @return whether the source has failed the pipeline */
    static Callable<Boolean> failed(TestContexts contexts) {
        return () -> contexts.failure() != null;
    }

    /** Starts {@code source} into {@code chain}, waits (at most {@link #PATIENCE}) until {@code done}, stops it. */
    static void runUntil(EventSource source, TestContexts contexts, EventSink chain, Callable<Boolean> done) {
        source.start(contexts.source(chain));
        try {
            await().atMost(PATIENCE).until(done);
        } finally {
            source.stop();
        }
    }

    /**
     * Starts {@code source} into {@code chain}; once its cursor is at {@code reading} (it is reading), publishes
     * {@code reading + 1 .. to} to {@code stream} and waits until the cursor is at {@code to}; stops it.
     */
    static void tailWhilePublishing(EventSource source, TestContexts contexts, EventSink chain, String stream,
                                    long reading, long to) {
        tailWhilePublishing(source, contexts, chain, stream, reading, to, () -> { });
    }

    /** As above, running {@code caughtUp} once the source has stored {@code to}, before it stops. */
    static void tailWhilePublishing(EventSource source, TestContexts contexts, EventSink chain, String stream,
                                    long reading, long to, Runnable caughtUp) {
        source.start(contexts.source(chain));
        try {
            await().atMost(PATIENCE).until(cursorAt(contexts, stream, reading));
            streams.publish(stream, reading + 1, to);
            await().atMost(PATIENCE).until(cursorAt(contexts, stream, to));
            caughtUp.run();
        } finally {
            source.stop();
        }
    }
}
