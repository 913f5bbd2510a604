package io.jetconnect.runtime.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * What the fleet asks of one pipeline on every worker, {@code control.<pipeline>} in the bucket: paused or running,
 * and a restart generation that each worker restarts its instance on once when it grows.
 *
 * @param paused whether the pipeline is to be paused on every worker
 * @param generation how many fleet-wide restarts were asked for
 * @param at when it was last changed, by the clock of the worker that changed it
 */
record FleetControl(boolean paused, long generation, Instant at) {

    static final String CONTROL = "control.";
    static final FleetControl NONE = new FleetControl(false, 0, Instant.EPOCH);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param verb {@code pause}, {@code resume} or {@code restart}
     * @param now the time now
     * @return the control after that verb
     * @throws IllegalArgumentException for another verb
     */
    FleetControl after(String verb, Instant now) {
        return switch (verb) {
            case "pause" -> new FleetControl(true, generation, now);
            case "resume" -> new FleetControl(false, generation, now);
            case "restart" -> new FleetControl(paused, generation + 1, now);
            default -> throw new IllegalArgumentException("no fleet action '" + verb + "'");
        };
    }

    ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("state", paused ? "paused" : "running").put("generation", generation).put("at", at.toString());
        return node;
    }

    /** @return the control a value holds; one that is not (written by hand) asks for nothing */
    static FleetControl parse(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new FleetControl("paused".equals(node.path("state").asText()), node.path("generation").asLong(0),
                    Instant.parse(node.path("at").asText(Instant.EPOCH.toString())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            return NONE;
        }
    }
}
