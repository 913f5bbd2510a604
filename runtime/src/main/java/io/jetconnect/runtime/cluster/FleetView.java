package io.jetconnect.runtime.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /v1/cluster}: every worker whose status is in the bucket, alive or not, with its pipelines, states and
 * spill. A worker is alive while its last status was written at most {@code worker-timeout} ago, both times by the
 * server's clock ({@link ServerClock}): no machine's wall clock takes part. A
 * worker that stopped gracefully removed its status; one that died stays, shown dead, until it returns under the
 * same id or its status is {@code worker-expiry} old and a live worker removes it ({@link #expired}). Removal also
 * takes the status unchanged for {@code worker-expiry} by the remover's own monotonic clock, so an estimate of the
 * server's time that ran ahead never removes a worker that still writes.
 */
public final class FleetView {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A worker's status as last seen.
     *
     * @param json its value
     * @param writtenAt when the server stored it, by the server's clock
     * @param revision its revision, for a compare-and-set on it
     * @param deliveredAtNanos when the watch delivered this revision, by this machine's monotonic clock
     *     ({@link System#nanoTime()})
     */
    public record Seen(String json, Instant writtenAt, long revision, long deliveredAtNanos) {
    }

    private FleetView() {
    }

    /**
     * @param cluster the fleet's settings
     * @param self this worker's id
     * @param workers the statuses in the bucket, by worker id
     * @param definitions the pipelines the bucket defines, by name
     * @param now the server's time now ({@link ServerClock})
     * @return the view
     */
    public static ObjectNode of(ClusterSettings cluster, String self, Map<String, Seen> workers,
                                java.util.Collection<String> definitions, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        body.put("cluster", cluster.name()).put("bucket", cluster.bucket()).put("self", self)
                .put("workerTimeoutSeconds", cluster.workerTimeout().toMillis() / 1000.0);
        body.set("pipelines", JSON.valueToTree(new java.util.TreeSet<>(definitions)));
        ArrayNode list = body.putArray("workers");
        int alive = 0;
        for (Map.Entry<String, Seen> e : new TreeMap<>(workers).entrySet()) {
            Duration age = Duration.between(e.getValue().writtenAt(), now);
            boolean isAlive = age.compareTo(cluster.workerTimeout()) <= 0;
            alive += isAlive ? 1 : 0;
            ObjectNode worker = list.addObject();
            worker.put("id", e.getKey()).put("alive", isAlive)
                    .put("lastSeenSecondsAgo", Math.max(0, age.toMillis()) / 1000.0);
            try {
                JsonNode status = JSON.readTree(e.getValue().json());
                if (status instanceof ObjectNode fields) {
                    fields.remove("id");
                    worker.setAll(fields);
                } else {
                    worker.put("error", "status is not a JSON object");
                }
            } catch (JsonProcessingException ex) {
                worker.put("error", "status is not JSON");
            }
        }
        body.put("alive", alive).put("dead", workers.size() - alive);
        return body;
    }

    /**
     * Adds the leases of run-once pipelines (holder, term, age and whether it ran out) and the fleet's controls.
     *
     * @param view the view to add to
     * @param cluster the fleet's settings
     * @param leases the leases as last written, by pipeline
     * @param controls the controls, by pipeline
     * @param now the server's time now ({@link ServerClock})
     */
    static void leasesAndControls(ObjectNode view, ClusterSettings cluster, Map<String, Seen> leases,
                                  Map<String, FleetControl> controls, Instant now) {
        ObjectNode held = view.putObject("leases");
        for (Map.Entry<String, Seen> e : leases.entrySet()) {
            Lease.Holder holder = Lease.parse(e.getValue().json());
            Duration age = Duration.between(e.getValue().writtenAt(), now);
            held.putObject(e.getKey()).put("worker", holder.worker()).put("term", holder.term())
                    .put("renewedSecondsAgo", Math.max(0, age.toMillis()) / 1000.0)
                    .put("expired", holder.worker().isEmpty() || age.compareTo(cluster.leaseTtl()) > 0);
        }
        ObjectNode control = view.putObject("control");
        controls.forEach((name, c) -> control.set(name, c.toJson()));
    }

    /**
     * @param workers the statuses in the bucket, by worker id
     * @param self this worker's id, never expired by itself
     * @param now the server's time now ({@link ServerClock})
     * @param expiry {@code worker-expiry}
     * @param nowNanos this machine's monotonic clock now ({@link System#nanoTime()})
     * @return the statuses older than {@code expiry} by the server's clock and delivered longer than {@code expiry}
     *     ago by this machine's, by worker id: workers dead so long that the view forgets them
     */
    static Map<String, Seen> expired(Map<String, Seen> workers, String self, Instant now, Duration expiry,
                                     long nowNanos) {
        Map<String, Seen> expired = new TreeMap<>();
        workers.forEach((id, seen) -> {
            if (!id.equals(self) && Duration.between(seen.writtenAt(), now).compareTo(expiry) > 0
                    && nowNanos - seen.deliveredAtNanos() > expiry.toNanos()) {
                expired.put(id, seen);
            }
        });
        return expired;
    }

    /** @return the events the status says its worker's spill holds, 0 when it cannot be read */
    static long spillDepth(String json) {
        long depth = 0;
        try {
            for (JsonNode pipeline : JSON.readTree(json).path("pipelines")) {
                depth += pipeline.path("spill").path("depth").asLong();
            }
        } catch (JsonProcessingException e) {
            return 0;
        }
        return depth;
    }
}
