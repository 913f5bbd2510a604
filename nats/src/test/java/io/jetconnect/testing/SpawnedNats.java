package io.jetconnect.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link NatsServer} of the test's own, for tests that kill, restart, wipe or freeze it: spawned on the first
 * {@link #get()} of a test and closed after it. Registered as a field,
 * {@code @RegisterExtension final SpawnedNats spawned = new SpawnedNats();}. Without nats-server on PATH the
 * test fails (rather than skips): a missing broker must not pass for a green build.
 */
public final class SpawnedNats implements AfterEachCallback {

    private NatsServer server;

    /** @return this test's server, spawned with JetStream on a free port on the first call */
    public NatsServer get() {
        if (server == null) {
            assertTrue(NatsServer.onPath(), "needs nats-server on PATH (apt-get install nats-server)");
            server = NatsServer.spawn();
        }
        return server;
    }

    /** @return the URL of this test's server, spawning it if need be */
    public String url() {
        return get().url();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
