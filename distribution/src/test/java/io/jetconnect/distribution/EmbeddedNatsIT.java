package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.nats.client.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README's run command relies on: the shipped configuration, with NATS_URL unset and nothing listening,
 * starts nats-server from PATH under data-dir, works, and stops it on shutdown. Only the ports are moved, so the
 * test does not collide with anything on 4222 or 8083.
 */
class EmbeddedNatsIT {

    @TempDir
    Path work;

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theShippedConfigStartsAndStopsAnEmbeddedServer() throws Exception {
        assertTrue(NatsServer.onPath(), "this test needs nats-server on PATH (apt-get install nats-server)");
        int httpPort = NatsServer.freePort();
        int natsPort = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), "include file(\""
                + RuntimeProcess.home().resolve("config/pipeline.conf") + "\")\n"
                + "jetconnect.http.port = " + httpPort + "\n"
                + "jetconnect.nats.url = \"nats://127.0.0.1:" + natsPort + "\"\n");
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, httpPort, Map.of())) {
            assertTrue(listening(natsPort), runtime.output());
            assertTrue(Files.isDirectory(work.resolve("data/nats")), "the store lives under data-dir");
            HttpResponse<String> response = runtime.post("/v1/pipelines/ingest/events",
                    "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"readme-1\",\"source\":\"/demo\","
                            + "\"type\":\"demo.created\",\"data\":{\"tenantId\":\"acme\"}}");
            assertEquals(202, response.statusCode(), response.body());
            List<Message> stored = StreamReader.readAll("nats://127.0.0.1:" + natsPort, "CELLOS_EVENTS");
            assertEquals(1, stored.size());
            assertEquals("cellos.events.acme.v1", stored.get(0).getSubject());
            assertEquals(0, runtime.terminate(), runtime.output());
            assertTrue(runtime.output().contains("started embedded nats-server"), runtime.output());
        }
        assertFalse(listening(natsPort), "the embedded server stops with the runtime");
    }
}
