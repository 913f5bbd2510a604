package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A source whose connection lands on a server without JetStream lets go of it, so that a later attempt can reach
 * a server of the URL list that has JetStream: jnats itself never leaves a healthy connection.
 */
class NoJetStreamIT {

    /** Attempts after the JetStream server is up: jnats picks a server at random, so 1 in 2^20 fails by chance. */
    private static final int ATTEMPTS = 20;

    @Test
    void aSourceOnAServerWithoutJetStreamReachesTheOneWithItOnALaterAttempt() throws Exception {
        int later = NatsServer.freePort();
        try (NatsServer plain = NatsServer.spawnWithoutJetStream()) {
            NatsSettings nats = TestContexts.of("replay").nats(plain.url() + ",nats://127.0.0.1:" + later)
                    .config("stream = S").source(CollectingChain.immediate()).nats();
            try (ConsumerSession session = new ConsumerSession(NatsConnector.source(nats, "p", "replay", false),
                    nats, null, null, "replay of stream S")) {
                // Only the server without JetStream is up: the first connection must be to it.
                IOException refused = assertThrows(IOException.class, session::connect);
                assertTrue(refused.getMessage().contains("JetStream"), refused.getMessage());
                try (NatsServer withJetStream = NatsServer.spawnOn(later)) {
                    for (int i = 0; i < ATTEMPTS; i++) {
                        try {
                            session.connect();
                            assertTrue(session.connected());
                            return;
                        } catch (IOException e) {
                            assertTrue(e.getMessage().contains("JetStream"), e.getMessage());
                        }
                    }
                    fail("still on the server without JetStream after " + ATTEMPTS + " attempts");
                }
            }
        }
    }
}
