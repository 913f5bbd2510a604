package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Freezes the broker with SIGSTOP (a hung server: connections stay open, nothing answers), so that only the sink's
 * own ack-timeout can notice; then thaws it with SIGCONT.
 */
@ExtendWith(NatsServerExtension.class)
class HungBrokerIT {

    @Test
    void anUnansweredPubAckOpensTheCircuitWithinTheAckTimeoutAndNothingWaitsOnTheBroker(NatsServer server)
            throws Exception {
        // The producer never sends a refused event again (see BrokerOutageIT): its subjects flow after owed-patience.
        TestContexts contexts = BrokerOutageIT.contexts(server, "HUNG", "hung",
                ", ack-timeout = 1s, backoff { initial = 100ms, max = 500ms }, owed-patience = 500ms");
        JetStreamSink sink = Streams.open(contexts);
        BrokerOutageIT.Producer producer = BrokerOutageIT.Producer.running(sink, 1, 500);

        server.stop();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream") == 1.0);
            // The gauge also reads 1 once the connection watch has lost the server, which on a busy machine can be
            // before the publisher's retries are spent and its circuit opens: wait for the circuit itself.
            await().atMost(Duration.ofSeconds(15)).until(sink::refusesNow);
            int refusedFast = 0;
            for (int i = 0; i < 20; i++) {
                BrokerOutageIT.TimedFailure emitted = BrokerOutageIT.TimedFailure.of(sink, i, 5);
                assertInstanceOf(RetriableException.class, emitted.failure(), "the broker does not answer");
                if (emitted.failure() instanceof BackpressureException
                        && emitted.nanos() < TimeUnit.MILLISECONDS.toNanos(50)) {
                    refusedFast++;
                }
            }
            // One of them may have been the probe, which waits for its connection attempt.
            assertTrue(refusedFast >= 18, "refused at once: " + refusedFast + " of 20");
        } finally {
            server.resume();
        }

        int atThaw = producer.succeeded.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> producer.succeeded.size() >= atThaw + 1000);
        producer.stop();
        sink.close();

        assertTrue(producer.failed.get() > 0, "the hang was felt");
        assertTrue(producer.slowestEmitNanos.get() < TimeUnit.MILLISECONDS.toNanos(200),
                "emit never waits for NATS; slowest call " + producer.slowestEmitNanos.get() / 1_000_000 + " ms");
        // Events the frozen broker had already read may be stored when it thaws, after their stages failed: only
        // the events that completed normally are bound to exactly once and order.
        BrokerOutageIT.assertStoredInOrder(server, "HUNG", producer, false);
    }
}
