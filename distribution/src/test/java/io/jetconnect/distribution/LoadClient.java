package io.jetconnect.distribution;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offers a load to the http source the way a well-behaved producer does: one thread per tenant posts that tenant's
 * events in order, in batches, and re-sends a batch until it is answered 202 (a 503, or no answer at all, means
 * "later"). Records which event ids were offered, acknowledged (202) and sent without getting any answer, so that
 * {@link Figures} can hold the stream against them. Talks to a port, not to one process, so that a test can kill
 * and restart the runtime underneath it.
 */
final class LoadClient implements AutoCloseable {

    private final int httpPort;
    private final int tenants;
    private final int perTenant;
    private final int batchSize;
    private final int padding;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ProducerThreads threads;

    final Set<String> offered = ConcurrentHashMap.newKeySet();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Ids of requests that got no answer (connection refused or reset): maybe stored, maybe not, then re-sent. */
    final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();

    /**
     * @param perTenant events per tenant; {@link Integer#MAX_VALUE} to post until {@link #stop()}
     * @param padding characters of filler per event, to size events (about 1 KiB with 800)
     */
    LoadClient(int httpPort, int tenants, int perTenant, int batchSize, int padding) {
        this.httpPort = httpPort;
        this.tenants = tenants;
        this.perTenant = perTenant;
        this.batchSize = batchSize;
        this.padding = padding;
        this.threads = new ProducerThreads(tenants);
    }

    /** Starts one posting thread per tenant ({@code t0}, {@code t1}, ...). */
    LoadClient start() {
        for (int t = 0; t < tenants; t++) {
            String tenant = "t" + t;
            threads.start(() -> {
                postAll(tenant);
                return null;
            });
        }
        return this;
    }

    /** Lets each tenant finish the batch it is posting, then stop. */
    void stop() {
        threads.stop();
    }

    /** Waits for every tenant to be done, rethrowing what a posting thread failed with. */
    void await(Duration timeout) throws Exception {
        threads.await(timeout);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    static String id(String tenant, int seq) {
        return tenant + "-" + seq;
    }

    String event(String tenant, int seq) {
        return event("fault", tenant, seq, "x".repeat(padding));
    }

    /**
     * @return the structured event {@code seq} of {@code tenant}: id {@link #id}, source {@code /SCENARIO}, type
     *     {@code SCENARIO.test}, JSON data with {@code tenantId}, {@code seq} and {@code pad}
     */
    static String event(String scenario, String tenant, int seq, String pad) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id(tenant, seq) + "\",\"source\":\"/" + scenario + "\","
                + "\"type\":\"" + scenario + ".test\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"tenantId\":\"" + tenant + "\",\"seq\":" + seq + ",\"pad\":\"" + pad + "\"}}";
    }

    private String batch(String tenant, int from, int to) {
        StringBuilder out = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            out.append(i == from ? "" : ",").append(event(tenant, i));
        }
        return out.append(']').toString();
    }

    private void postAll(String tenant) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/v1/pipelines/ingest/events"))
                .header("Content-Type", "application/cloudevents-batch+json").timeout(Duration.ofSeconds(60));
        for (int from = 0; from < perTenant && !threads.stopping(); from += batchSize) {
            int to = (int) Math.min((long) perTenant, (long) from + batchSize);
            String body = batch(tenant, from, to);
            for (int i = from; i < to; i++) {
                offered.add(id(tenant, i));
            }
            while (true) {
                HttpResponse<String> response;
                try {
                    response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException noAnswer) {
                    failedRequests.incrementAndGet();
                    for (int i = from; i < to; i++) {
                        unanswered.add(id(tenant, i));
                    }
                    pause(100);
                    continue;
                }
                if (response.statusCode() == 202) {
                    for (int i = from; i < to; i++) {
                        acknowledged.add(id(tenant, i));
                    }
                    break;
                }
                if (response.statusCode() != 503) {
                    throw new IllegalStateException("unexpected answer " + response.statusCode() + ": "
                            + response.body());
                }
                refused.incrementAndGet();
                pause(50);
            }
        }
    }

    /** Waits out a retry's back-off (no condition to wait for: the time itself is the point). */
    static void pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        org.awaitility.Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5))
                .until(() -> System.nanoTime() >= until);
    }

    @Override
    public void close() {
        threads.close();
    }
}
