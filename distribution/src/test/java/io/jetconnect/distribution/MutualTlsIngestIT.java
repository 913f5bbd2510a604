package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.http.TestCertificates;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Message;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code bin/jetconnect run} with a TLS listener that requires client certificates
 * ({@code http.tls.client-auth = require}) and an http source whose {@code auth.mode = mtls} maps the certificate's
 * common name to tenants: with the JDK's HTTPS client, a client of the trusted CA writes its own tenant (202, stored,
 * read back with raw jnats), is refused another tenant (403, nothing stored); a certificate whose name maps to no
 * tenant gets 401, and a client without a certificate or of another CA never completes the handshake.
 */
@ExtendWith(NatsServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MutualTlsIngestIT {

    @TempDir
    Path work;

    private static String event(String id, String tenant) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/mtls\",\"type\":\"mtls.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"" + tenant + "\"}}";
    }

    private static HttpResponse<String> post(HttpClient client, int port, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/v1/pipelines/ingest/events")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theClientCertificatesNameDecidesWhichTenantsItMayWrite(NatsServer nats) throws Exception {
        Path tls = Files.createDirectories(work.resolve("tls"));
        TestCertificates.Issued ca = TestCertificates.ca("jetconnect-test-ca").write(tls, "ca");
        TestCertificates.server(ca, "127.0.0.1").write(tls, "server");
        TestCertificates.Issued billing = TestCertificates.client(ca, "billing-eu");
        TestCertificates.Issued unmapped = TestCertificates.client(ca, "nobody");
        TestCertificates.Issued stranger = TestCertificates.client(TestCertificates.ca("other-ca"), "billing-eu");

        int port = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect {
                  data-dir = data
                  http {
                    host = 127.0.0.1, port = %d
                    tls { cert-file = tls/server.crt, key-file = tls/server.key, ca-file = tls/ca.crt,
                          client-auth = require }
                  }
                  nats { url = "%s", embedded = off }
                  streams { events { name = MTLS, subjects = ["mtls.>"], max-age = 1h } }
                  pipelines {
                    ingest {
                      source {
                        type = http
                        auth { mode = mtls, mtls { principal = cn, tenants { billing-eu = [acme] } } }
                      }
                      sinks = [ { type = jetstream, stream = events, subject = "mtls.{tenantId}.v1" } ]
                    }
                  }
                }
                """.formatted(port, nats.url()));
        try (RuntimeProcess runtime = RuntimeProcess.start(work, config, port, Map.of())) {
            runtime.awaitOutput("listening on https://127.0.0.1:" + port, Duration.ofSeconds(60));
            HttpClient client = TestCertificates.httpClient(ca, billing);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                            + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            HttpResponse<String> own = post(client, port, event("own-1", "acme"));
            assertEquals(202, own.statusCode(), own.body());
            HttpResponse<String> other = post(client, port, event("other-1", "globex"));
            assertEquals(403, other.statusCode(), other.body());
            HttpResponse<String> nobody = post(TestCertificates.httpClient(ca, unmapped), port,
                    event("nobody-1", "acme"));
            assertEquals(401, nobody.statusCode(), "a verified certificate whose name maps to no tenant: "
                    + nobody.body());
            assertThrows(IOException.class, () -> post(TestCertificates.httpClient(ca, null), port,
                    event("anonymous-1", "acme")), "client-auth = require: no certificate, no handshake");
            assertThrows(IOException.class, () -> post(TestCertificates.httpClient(ca, stranger), port,
                    event("stranger-1", "acme")), "a certificate of another CA fails the handshake");

            List<String> stored = new ArrayList<>();
            for (Message m : StreamReader.readAll(nats.url(), "MTLS")) {
                stored.add(m.getSubject() + " " + StreamReader.eventId(m));
            }
            assertEquals(List.of("mtls.acme.v1 own-1"), stored);
            assertTrue(runtime.output().contains("listening on https://"), "the listener says it speaks TLS");
            // The distribution ships BoringSSL for linux-x86_64 only; elsewhere the JDK's engine serves.
            boolean boringSsl = System.getProperty("os.name").equals("Linux")
                    && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
            assertTrue(runtime.output().contains("TLS on the listener with the "
                    + (boringSsl ? "OpenSSL (BoringSSL)" : "JDK") + " engine"), runtime.output());
        }
    }
}
