package io.jetconnect.runtime.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a worker writes to {@code workers.<id>} at every heartbeat, as JSON: who it is, where its admin API is, and
 * each of its pipelines with its state and its spill (the spill is local to the worker: this is the one place the
 * fleet sees it). The fleet view ({@link FleetView}) judges liveness by the server's time of the write, not by
 * {@code heartbeatAt}, which is the worker's own clock and shown for people.
 *
 * @param id the worker's id
 * @param cluster the fleet's name
 * @param adminUrl where its admin API answers
 * @param startedAt when the runtime started
 * @param heartbeatAt when this status was taken, by the worker's clock
 * @param pipelines its pipelines, in start order
 * @param configProblems why the bucket's definitions were last refused, if they were (the pipelines then run as
 *     before); empty when the last apply succeeded
 */
public record WorkerStatus(String id, String cluster, String adminUrl, Instant startedAt, Instant heartbeatAt,
                           List<PipelineStatus> pipelines, List<String> configProblems) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The most of one error or problem a status carries: every worker reads every status at every beat, and a
     * thousand pipelines' stack of causes must stay far below the server's max_payload.
     */
    static final int MAX_TEXT = 256;

    public WorkerStatus {
        pipelines = List.copyOf(pipelines);
        configProblems = configProblems.stream().limit(20).map(WorkerStatus::capped).toList();
    }

    static String capped(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "\u2026";
    }

    /**
     * One pipeline on the worker.
     *
     * @param name its name
     * @param state its state, as the admin API names it ({@code running}, {@code waiting}...)
     * @param lastError why it failed, if it did
     * @param spillDepth events its {@code dlq} layers hold
     * @param spillBytes their bytes on the worker's disk
     */
    public record PipelineStatus(String name, String state, Optional<String> lastError, long spillDepth,
                                 long spillBytes) {
    }

    /** @return the status as the bucket holds it */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id).put("cluster", cluster).put("adminUrl", adminUrl)
                .put("startedAt", startedAt.toString()).put("heartbeatAt", heartbeatAt.toString());
        ArrayNode list = node.putArray("pipelines");
        for (PipelineStatus p : pipelines) {
            ObjectNode item = list.addObject().put("name", p.name()).put("state", p.state());
            p.lastError().ifPresent(e -> item.put("lastError", capped(e)));
            item.putObject("spill").put("depth", p.spillDepth()).put("bytes", p.spillBytes());
        }
        if (!configProblems.isEmpty()) {
            node.set("configProblems", JSON.valueToTree(configProblems));
        }
        return node.toString();
    }
}
