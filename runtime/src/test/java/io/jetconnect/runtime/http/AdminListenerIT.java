package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.JetconnectRuntime;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real runtime with TLS on both listeners and the admin API on its own: what each listener serves, and a
 * certificate rotated on disk picked up by {@code POST /v1/reload}.
 */
@ExtendWith(NatsServerExtension.class)
class AdminListenerIT {

    @TempDir
    Path dir;

    @Test
    void adminMovesToItsListenerAndReloadRotatesTheCertificateOfBoth(NatsServer nats) throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("jetconnect test CA").write(dir, "ca");
        TestCertificates.server(ca, "first").write(dir, "server");
        Path conf = Files.writeString(dir.resolve("pipeline.conf"), """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = "%s"
                  http { port = 0, tls { cert-file = "%s", key-file = "%s" } }
                  admin { port = 0 }
                  nats { url = "%s", embedded = off }
                }
                """.formatted(dir.resolve("plugins"), dir.resolve("data"), dir.resolve("server.crt"),
                dir.resolve("server.key"), nats.url()));
        try (JetconnectRuntime runtime = JetconnectRuntime.start(new PipelineConfigLoader().load(conf))) {
            int main = runtime.httpPort();
            int admin = runtime.adminPort().orElseThrow();
            assertTrue(main != admin);
            assertEquals(200, get(ca, main, "/healthz").statusCode());
            HttpResponse<String> pipelinesOnMain = get(ca, main, "/v1/pipelines");
            assertEquals(404, pipelinesOnMain.statusCode());
            assertTrue(pipelinesOnMain.body().contains("admin listener"), pipelinesOnMain.body());
            assertEquals(404, get(ca, main, "/metrics").statusCode());
            assertEquals(200, get(ca, admin, "/v1/pipelines").statusCode());
            assertEquals(200, get(ca, admin, "/metrics").statusCode());
            assertEquals(404, post(ca, admin, "/v1/pipelines/nope/events").statusCode(), "no ingest on admin");
            assertEquals("CN=first", subject(get(ca, main, "/healthz")));

            TestCertificates.server(ca, "second").write(dir, "server");
            HttpResponse<String> reload = post(ca, admin, "/v1/reload");
            assertEquals(200, reload.statusCode(), reload.body());
            assertEquals("CN=second", subject(get(ca, main, "/healthz")));
            assertEquals("CN=second", subject(get(ca, admin, "/healthz")));
        }
    }

    private static HttpResponse<String> get(TestCertificates.Issued ca, int port, String path) throws Exception {
        // A new client per call: a new connection, which sees the certificate in force now.
        HttpClient client = TestCertificates.httpClient(ca, null);
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(TestCertificates.Issued ca, int port, String path) throws Exception {
        HttpClient client = TestCertificates.httpClient(ca, null);
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String subject(HttpResponse<String> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }
}
