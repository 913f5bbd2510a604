package io.jetconnect.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void classifiesThroughTheWrappersAStageAdds() {
        BackpressureException full = new BackpressureException("full", Duration.ofSeconds(1));
        assertEquals(Outcome.TAKEN, Outcome.of(null));
        assertEquals(Outcome.BACKPRESSURE, Outcome.of(new CompletionException(new ExecutionException(full))));
        assertEquals(Outcome.RETRIABLE, Outcome.of(new CompletionException(new RetriableException("later"))));
        assertEquals(Outcome.PERMANENT, Outcome.of(new JetconnectException("never")));
        assertEquals(Outcome.PERMANENT, Outcome.of(new IllegalStateException("a bug")));
        assertSame(full, Outcome.unwrap(new CompletionException(full)));
        assertTrue(Outcome.BACKPRESSURE.retriable());
        assertFalse(Outcome.PERMANENT.retriable());
    }

    @Test
    void describesForeignFailuresByTheirClassOnly() {
        String secret = "nats://user:s3cret@host:4222";
        assertEquals("java.io.IOException",
                Outcome.describe(new CompletionException(new java.io.IOException("cannot reach " + secret))));
        assertEquals("RetriableException: stream down",
                Outcome.describe(new CompletionException(new RetriableException("stream down"))));
        assertEquals("unknown failure", Outcome.describe(null));
    }
}
