package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What the sink decides before it ever reaches NATS: nothing listens on the URL these tests use. */
class JetStreamSinkTest {

    private static final String NOWHERE = "nats://alice:s3cret@127.0.0.1:" + NatsServer.freePort();

    @Test
    void aSubjectTheDeclaredStreamDoesNotCaptureFailsBeforeConnecting() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new JetStreamSink().open(
                TestContexts.of("jetstream").config("stream = events, subject = \"other.{tenantId}\"")
                        .nats(NOWHERE).stream(TestContexts.fileStream("events", "EVENTS", "t.>")).sink()));
        assertTrue(e.getMessage().contains("sinks[0].subject"), e.getMessage());
        assertTrue(e.getMessage().contains("EVENTS"), e.getMessage());
    }

    @Test
    void badConfigurationFailsBeforeConnecting() {
        assertThrows(ConfigurationException.class, () -> new JetStreamSink().open(
                TestContexts.of("jetstream").config("stream = events, subject = \"t.*\"").nats(NOWHERE).sink()));
    }

    @Test
    void anUnreachableServerOpensAndRefusesEventsRetriablyWithItsCredentialsHidden() {
        JetStreamSink sink = new JetStreamSink();
        // Opens anyway (a dlq in front spills meanwhile) and connects in the background.
        sink.open(TestContexts.of("jetstream").config("stream = events, subject = \"t.{tenantId}\"").nats(NOWHERE)
                .stream(TestContexts.fileStream("events", "EVENTS", "t.>")).sink());
        try {
            CompletableFuture<Void> stage = sink.emit(Streams.event("e", "acme", 1)).toCompletableFuture();
            CompletionException failed = assertThrows(CompletionException.class, stage::join);
            RetriableException e = assertInstanceOf(RetriableException.class, failed.getCause());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertTrue(e.getMessage().contains("nats://***@127.0.0.1"), e.getMessage());
        } finally {
            sink.close();
        }
    }

    @Test
    void emitBeforeOpenFailsTheStageInsteadOfThrowing() {
        CompletableFuture<Void> stage = new JetStreamSink().emit(Streams.event("e", "acme", 1)).toCompletableFuture();
        CompletionException e = assertThrows(CompletionException.class, stage::join);
        assertInstanceOf(JetconnectException.class, e.getCause());
    }
}
