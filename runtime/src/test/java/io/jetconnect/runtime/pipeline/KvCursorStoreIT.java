package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class KvCursorStoreIT {

    private static NatsSettings settings(String url) {
        return NatsSettings.builder(url).connectionName("kv-test").build();
    }

    @Test
    void storesAcrossConnectionsAndScopesByPipeline(NatsServer nats) {
        try (KvCursorStore a = new KvCursorStore(settings(nats.url()), "alpha")) {
            assertEquals(OptionalLong.empty(), a.load("EVENTS"));
            a.store("EVENTS", 41);
            a.store("EVENTS", 42);
        }
        try (KvCursorStore again = new KvCursorStore(settings(nats.url()), "alpha");
             KvCursorStore other = new KvCursorStore(settings(nats.url()), "beta")) {
            assertEquals(OptionalLong.of(42), again.load("EVENTS"));
            assertEquals(OptionalLong.empty(), other.load("EVENTS"));
        }
    }

    @Test
    void anUnreachableServerIsRetriableAndTheUrlIsRedacted() {
        int port = NatsServer.freePort();
        try (KvCursorStore store = new KvCursorStore(settings("nats://user:hunter2@127.0.0.1:" + port), "p")) {
            RetriableException e = assertThrows(RetriableException.class, () -> store.load("EVENTS"));
            assertEquals(-1, e.getMessage().indexOf("hunter2"), e.getMessage());
        }
    }
}
