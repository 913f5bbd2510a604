package io.jetconnect.distribution;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP producers in front of a fleet without a load balancer: each client posts its own subject's events one at a
 * time (the next once the previous was answered 202), each event to the next worker in turn. An event that gets no
 * answer (connection refused or reset) or a 503 is sent again, with the same id, to the next worker, as a producer
 * that knows several workers would: the stream's duplicate window drops the copy of one that was stored after all.
 * Any other answer ends that client with an error. Records which events were offered and acknowledged, and which
 * worker acknowledged them.
 */
final class SpreadLoad implements AutoCloseable {

    private static final long RETRY_PAUSE_MILLIS = 20;

    private final List<Integer> ports;
    private final String pipeline;
    private final int clients;
    private final int padding;
    private final ProducerThreads threads;

    final Set<String> offered = ConcurrentHashMap.newKeySet();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Attempts whose connection was refused: no worker listening on that port (stopped, not started yet). */
    final AtomicLong refused = new AtomicLong();
    /** Attempts that got no answer on a connection made: reset or closed under the request, or no answer in time. */
    final AtomicLong dropped = new AtomicLong();
    /** Attempts answered 503 (a stopping pipeline, a busy listener). */
    final AtomicLong unavailable = new AtomicLong();
    private final Map<Integer, AtomicLong> acceptedBy = new ConcurrentHashMap<>();

    /** @param padding characters of filler per event */
    SpreadLoad(List<Integer> ports, String pipeline, int clients, int padding) {
        this.ports = List.copyOf(ports);
        this.pipeline = pipeline;
        this.clients = clients;
        this.padding = padding;
        this.threads = new ProducerThreads(clients);
        this.ports.forEach(p -> acceptedBy.put(p, new AtomicLong()));
    }

    /** Starts the clients {@code c0}, {@code c1}, ..., each beginning at a different worker. */
    SpreadLoad start() {
        for (int c = 0; c < clients; c++) {
            String client = "c" + c;
            int first = c;
            threads.start(() -> {
                postUntilStopped(client, first);
                return null;
            });
        }
        return this;
    }

    /**
     * Lets each client finish the event it is sending (until acknowledged) and waits for all of them, rethrowing
     * what one failed with.
     */
    void finish(Duration timeout) throws Exception {
        threads.stop();
        threads.await(timeout);
    }

    /** @return whether a client ended with an error (an answer it does not retry): the run cannot pass */
    boolean failed() {
        return threads.failed();
    }

    /** Throws what a client that ended failed with (its answer or exception), if one did. */
    void rethrowFailure() throws Exception {
        threads.rethrowFailure();
    }

    /** @return events acknowledged by the worker on {@code port} */
    long acceptedBy(int port) {
        return acceptedBy.get(port).get();
    }

    long retries() {
        return refused.get() + dropped.get() + unavailable.get();
    }

    /** @return the event {@code seq} of {@code client}, as posted: the stored copy must carry the same fields */
    String event(String client, int seq) {
        return LoadClient.event("roll", client, seq, "r".repeat(padding));
    }

    private void postUntilStopped(String client, int first) throws Exception {
        // A client of its own per producer: its connections, kept alive, go stale when a worker restarts.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int next = first;
        for (int seq = 0; !threads.stopping(); seq++) {
            String id = LoadClient.id(client, seq);
            String body = event(client, seq);
            offered.add(id);
            while (true) {
                int port = ports.get(next++ % ports.size());
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/pipelines/" + pipeline + "/events"))
                        .header("Content-Type", "application/cloudevents+json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                HttpResponse<String> response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (java.net.ConnectException noListener) {
                    refused.incrementAndGet();
                    LoadClient.pause(RETRY_PAUSE_MILLIS);
                    continue;
                } catch (IOException noAnswer) {
                    dropped.incrementAndGet();
                    LoadClient.pause(RETRY_PAUSE_MILLIS);
                    continue;
                }
                if (response.statusCode() == 202) {
                    acknowledged.add(id);
                    acceptedBy.get(port).incrementAndGet();
                    break;
                }
                if (response.statusCode() != 503) {
                    throw new IllegalStateException("event " + id + ": unexpected answer " + response.statusCode()
                            + " from the worker on port " + port + ": " + response.body());
                }
                unavailable.incrementAndGet();
                LoadClient.pause(RETRY_PAUSE_MILLIS);
            }
        }
    }

    @Override
    public void close() {
        threads.close();
    }
}
