package io.jetconnect.runtime.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.spi.IngressResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener's limits over raw sockets: connections, head size, header and idle timeouts, a half-closed body. */
class ConnectionLimitsTest {

    private final IngressRoutes routes = new IngressRoutes();
    private HttpListener listener;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        HttpSettings settings = HttpSettings.defaults().withLimits(Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofSeconds(5), 3);
        listener = new HttpListener("127.0.0.1", 0, settings, routes,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> new HttpListener.Readiness(true, "{}"),
                null);
        listener.start();
        Method m = IngressRoutes.class.getDeclaredMethod("register", String.class,
                io.jetconnect.spi.IngressHandler.class);
        m.setAccessible(true);
        m.invoke(routes, "p", (io.jetconnect.spi.IngressHandler) request -> {
            try {
                long declared = request.contentLength();
                byte[] body = declared < 0 ? request.body().readAllBytes()
                        : request.body().readNBytes((int) declared);
                if (declared >= 0 && body.length < declared) {
                    throw new IOException("ended early");
                }
                return CompletableFuture.completedFuture(IngressResponse.json(202, "{\"read\":" + body.length + "}"));
            } catch (IOException e) {
                return CompletableFuture.completedFuture(IngressResponse.json(400, "{\"error\":\"cut short\"}"));
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        listener.close();
    }

    private Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", listener.address().getPort());
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** @return the status line of the next answer, reading its head */
    private static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int b;
        while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        return head.toString().split("\r\n")[0];
    }

    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(50);
            while (true) {
                if (s.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void aConnectionPastMaxConnectionsIsClosedAtOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            Socket s = open();
            send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", statusLine(s));
        }
        Socket fourth = open();
        await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(fourth));
    }

    @Test
    void aHeadThatTricklesIsClosedAtTheHeaderTimeoutAndAnIdleConnectionAtTheIdleTimeout() throws Exception {
        Socket slow = open();
        send(slow, "GET /healthz HTTP/1.1\r\n");
        Socket idle = open();
        send(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(idle));
        await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(slow) && closedByServer(idle));
    }

    @Test
    void aNonIngestBodyThatNeverArrivesGets408AtTheRequestTimeoutInsteadOfHoldingTheConnection() throws Exception {
        listener.requestTimeout(null, Duration.ofMillis(300));
        Socket s = open();
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
        assertEquals("HTTP/1.1 408 Request Timeout", statusLine(s));
        await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(s));
    }

    @Test
    void aHeadOverMaxHeaderSizeGets431() throws Exception {
        Socket s = open();
        send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", statusLine(s));
    }

    @Test
    void aBodyCutShortByAHalfCloseIsStillAnswered() throws Exception {
        Socket s = open();
        send(s, "POST /v1/pipelines/p/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
        s.shutdownOutput();
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(s));
    }

    @Test
    void aBrokenChunkedBodyIsStillAnswered() throws Exception {
        Socket s = open();
        send(s, "POST /v1/pipelines/p/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(s));
    }
}
