package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.spi.IngressResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS against the listener, with certificates the test makes: mTLS required, requested, and rotation. */
class HttpListenerTlsTest {

    @TempDir
    Path dir;

    private final IngressRoutes routes = new IngressRoutes();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<List<X509Certificate>> seen = new AtomicReference<>();
    private TestCertificates.Issued ca;
    private HttpListener listener;

    @BeforeEach
    void certificates() throws Exception {
        ca = TestCertificates.ca("jetconnect test CA").write(dir, "ca");
        TestCertificates.server(ca, "server-one").write(dir, "server");
        Method m = IngressRoutes.class.getDeclaredMethod("register", String.class,
                io.jetconnect.spi.IngressHandler.class);
        m.setAccessible(true);
        m.invoke(routes, "p", (io.jetconnect.spi.IngressHandler) request -> {
            seen.set(request.peerCertificates());
            return CompletableFuture.completedFuture(IngressResponse.json(202, "{\"accepted\":1}"));
        });
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private void start(HttpSettings.ClientAuth auth) throws IOException {
        HttpSettings.Tls tls = new HttpSettings.Tls(dir.resolve("server.crt"), dir.resolve("server.key"),
                auth == HttpSettings.ClientAuth.NONE ? Optional.empty() : Optional.of(dir.resolve("ca.crt")), auth);
        listener = new HttpListener("127.0.0.1", 0, HttpSettings.defaults().withTls(Optional.of(tls)), routes, meters,
                () -> new HttpListener.Readiness(true, "{}"), null);
        listener.start();
    }

    private HttpResponse<String> post(HttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + listener.address().getPort()
                + "/v1/pipelines/p/events")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requireTakesAClientCertificateOfTheCaAndGivesTheHandlerItsVerifiedChain() throws Exception {
        start(HttpSettings.ClientAuth.REQUIRE);
        TestCertificates.Issued producer = TestCertificates.client(ca, "producer-1");
        HttpResponse<String> accepted = post(TestCertificates.httpClient(ca, producer));
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals(1, seen.get().size());
        assertEquals("CN=producer-1", seen.get().get(0).getSubjectX500Principal().getName());

        seen.set(null);
        assertThrows(IOException.class, () -> post(TestCertificates.httpClient(ca, null)), "no client certificate");
        TestCertificates.Issued stranger = TestCertificates.ca("another CA");
        assertThrows(IOException.class, () -> post(TestCertificates.httpClient(ca,
                TestCertificates.client(stranger, "intruder"))), "a certificate of a CA the listener does not trust");
        assertEquals(null, seen.get(), "no refused client reached the handler");
    }

    @Test
    void requestLetsAClientWithoutACertificateInWithAnEmptyChain() throws Exception {
        start(HttpSettings.ClientAuth.REQUEST);
        HttpResponse<String> anonymous = post(TestCertificates.httpClient(ca, null));
        assertEquals(202, anonymous.statusCode(), anonymous.body());
        assertEquals(List.of(), seen.get());
        assertEquals(202, post(TestCertificates.httpClient(ca, TestCertificates.client(ca, "producer-2"))).statusCode());
        assertEquals("CN=producer-2", seen.get().get(0).getSubjectX500Principal().getName());
    }

    @Test
    void plainHttpGetsNoAnswerOnATlsListener() throws Exception {
        start(HttpSettings.ClientAuth.NONE);
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + listener.address().getPort() + "/healthz")).timeout(java.time.Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aReloadServesNewConnectionsWithTheRotatedCertificate() throws Exception {
        start(HttpSettings.ClientAuth.NONE);
        assertEquals("CN=server-one", serverSubject());
        TestCertificates.server(ca, "server-two").write(dir, "server");
        assertTrue(listener.reloadTls().isPresent());
        assertEquals("CN=server-two", serverSubject());
        // A broken file is refused and the listener keeps the certificate it has.
        java.nio.file.Files.writeString(dir.resolve("server.key"), "not a key");
        assertThrows(IOException.class, () -> listener.reloadTls());
        assertEquals("CN=server-two", serverSubject());
    }

    private String serverSubject() throws Exception {
        HttpResponse<String> health = TestCertificates.httpClient(ca, null).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + listener.address().getPort() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        return ((X509Certificate) health.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }
}
