package io.jetconnect.nats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The log lines of {@link NatsConnections}' listeners against a real nats-server, with the MDC they carry. */
class NatsConnectionsIT {

    /**
     * A connection of one component logs with that component's MDC (the pipeline that made its options); a shared
     * one logs under its own name, whichever component made the options or opened it.
     */
    @Test
    void aSharedConnectionLogsUnderItsNameAndAnOwnOneUnderItsPipeline() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(NatsConnections.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        try (NatsServer server = NatsServer.spawn()) {
            MDC.put("pipeline", "made-the-options");
            NatsConnections connections = NatsConnections.of(NatsSettings.builder(server.url()).build());
            SharedConnections.Lease lease = connections.share(List.of("test-sink", "shared"),
                    connections.builder().build());
            MDC.put("pipeline", "opened-it");
            Connection shared = lease.connection();
            MDC.clear();
            assertEquals(Map.of("connection", "test-sink#0"), await().atMost(Duration.ofSeconds(10))
                    .until(() -> contextOf(appender, ConnectionListener.Events.CONNECTED, 0), Optional::isPresent).orElseThrow());
            lease.fence(shared);
            assertEquals(Map.of("connection", "test-sink#0"), await().atMost(Duration.ofSeconds(10))
                    .until(() -> contextOf(appender, ConnectionListener.Events.CLOSED, 0), Optional::isPresent).orElseThrow());
            lease.close();

            Connection own = connections.connect();
            assertEquals(Map.of("pipeline", "made-the-options"), await().atMost(Duration.ofSeconds(10))
                    .until(() -> contextOf(appender, ConnectionListener.Events.CONNECTED, 1), Optional::isPresent).orElseThrow());
            own.close();
        } finally {
            MDC.clear();
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    /** @return the MDC of the {@code nth} (from 0) line about {@code event}, once there is one */
    private static Optional<Map<String, String>> contextOf(ListAppender<ILoggingEvent> appender,
                                                           ConnectionListener.Events event, int nth) {
        synchronized (appender) { // logback appends under this lock, from jnats' threads
            return appender.list.stream().filter(e -> e.getArgumentArray() != null
                            && List.of(e.getArgumentArray()).contains(event))
                    .skip(nth).findFirst().map(ILoggingEvent::getMDCPropertyMap);
        }
    }
}
