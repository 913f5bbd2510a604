package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jetconnect.runtime.pipeline.ChainCounts;
import io.jetconnect.runtime.pipeline.ElementStatuses;
import io.jetconnect.runtime.pipeline.ManagedPipeline;
import io.jetconnect.runtime.pipeline.PipelineState;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The admin API's descriptions of a pipeline ({@code <pipeline>}) and of its spill ({@code GET .../dlq}). The
 * counters come from the runtime's own counting ({@link ChainCounts}); what only a plugin knows (a spill's depth, a
 * source's lag, a sink's duplicates) from the statuses the plugins registered, read by the well-known keys the
 * plugin guide lists, never from meter names. Thread-safe.
 */
final class PipelineJson {

    /** The type whose status {@code GET /v1/pipelines/{name}/dlq} shows, as the action routes name types. */
    static final String DLQ = "dlq";

    /** The well-known status keys; docs/plugin-guide.md lists them for plugin authors. */
    private enum Key {
        /** Events a layer holds (a spill): summed into {@code rates.spillDepth}. */
        DEPTH("depth"),
        /** A source's lag in events: {@code rates.lagEvents}. */
        LAG("lagEvents"),
        /** The key a source stores its cursor under: the default of {@code PUT .../cursor}. */
        CURSOR_KEY("cursorKey"),
        /** Events the terminal sink's destination already had: {@code counters.sinkDuplicate}. */
        DUPLICATE("duplicate");

        final String key;

        Key(String key) {
            this.key = key;
        }
    }

    private final ObjectMapper json;
    private final ElementStatuses statuses;
    private final PipelineRates rates;

    PipelineJson(ObjectMapper json, ElementStatuses statuses, LongSupplier clock) {
        this.json = json;
        this.statuses = statuses;
        this.rates = new PipelineRates(clock);
    }

    /** Forgets the rates of pipelines that no longer exist. */
    void retain(Set<String> names) {
        rates.retain(names);
    }

    /** One element's status, read once per answer so that the figures of one answer agree. */
    private record Read(ElementStatuses.Registered element, Map<String, Object> status) {
    }

    private List<Read> read(String pipeline) {
        return statuses.of(pipeline).stream()
                .map(r -> new Read(r, r.snapshot().orElse(null)))
                .filter(r -> r.status() != null)
                .toList();
    }

    ObjectNode describe(ManagedPipeline p) {
        List<Read> registered = read(p.name());
        ObjectNode node = json.createObjectNode();
        node.put("name", p.name());
        node.put("state", stateName(p.state()));
        p.lastError().ifPresent(e -> node.put("lastError", e));
        p.waitingFor().ifPresent(w -> node.put("waitingFor", w));
        node.put("source", p.sourceType());
        ArrayNode chain = node.putArray("chain");
        p.chain().forEach(chain::add);
        ChainCounts counts = p.counts();
        int last = p.chain().size() - 1;
        long duplicate = registered.stream().filter(r -> r.element().position() == last)
                .mapToLong(r -> number(r.status(), Key.DUPLICATE.key)).sum();
        ObjectNode counters = node.putObject("counters");
        counters.put("inFlight", p.inFlight());
        counters.put("sourceEvents", counts.handled());
        counters.put("sinkPublished", Math.max(0, counts.stored() - duplicate));
        counters.put("sinkDuplicate", duplicate);
        counters.put("sinkFailed", counts.failed());
        counters.put("sinkRejected", counts.rejected());
        node.set("rates", rates(p.name(), counts, registered));
        ArrayNode elements = node.putArray("elements");
        for (Read r : registered) {
            elements.addObject().put("element", r.element().element()).put("type", r.element().type())
                    .set("status", json.valueToTree(r.status()));
        }
        return node;
    }

    /**
     * The live view of {@code jetconnect top}: events/s into the chain (the source's durably handled events) and out
     * of it (what the terminal sink stored or wrote), the spill's depth and the source's lag.
     */
    private ObjectNode rates(String pipeline, ChainCounts counts, List<Read> registered) {
        PipelineRates.Rates r = rates.sample(pipeline, counts.handled(), counts.stored());
        long depth = 0;
        long lag = 0;
        for (Read read : registered) {
            if (read.element().position() < 0) {
                lag += number(read.status(), Key.LAG.key);
            } else {
                depth += number(read.status(), Key.DEPTH.key);
            }
        }
        ObjectNode node = json.createObjectNode();
        node.put("eventsInPerSecond", Math.round(r.inPerSecond() * 10) / 10.0);
        node.put("eventsOutPerSecond", Math.round(r.outPerSecond() * 10) / 10.0);
        node.put("intervalSeconds", Math.round(r.seconds() * 100) / 100.0);
        node.put("spillDepth", depth);
        node.put("lagEvents", lag);
        return node;
    }

    /**
     * {@code GET /v1/pipelines/{name}/dlq}: the documented fields (0 and {@code present: false} without a
     * {@code dlq}), then whatever else the layer reports. Several {@code dlq} layers add up.
     */
    ObjectNode dlq(String pipeline) {
        ObjectNode node = json.createObjectNode();
        node.put("pipeline", pipeline);
        long[] sums = new long[6];
        String[] fields = {Key.DEPTH.key, "bytes", "oldestAgeSeconds", "quarantined", "spilled", "drained"};
        boolean present = false;
        ObjectNode more = json.createObjectNode();
        for (Read r : read(pipeline)) {
            if (!r.element().type().equals(DLQ)) {
                continue;
            }
            present = true;
            Map<String, Object> status = r.status();
            for (int i = 0; i < fields.length; i++) {
                sums[i] += number(status, fields[i]);
            }
            status.forEach((k, v) -> {
                if (!List.of(fields).contains(k) && !more.has(k)) {
                    more.set(k, json.valueToTree(v));
                }
            });
        }
        for (int i = 0; i < fields.length; i++) {
            node.put(fields[i], sums[i]);
        }
        node.put("present", present);
        node.setAll(more);
        return node;
    }

    /** @return the cursor key the pipeline's source reports, if it does */
    Optional<String> cursorKey(String pipeline) {
        for (Read r : read(pipeline)) {
            Object key = r.status().get(Key.CURSOR_KEY.key);
            if (r.element().position() < 0 && key instanceof String name && !name.isBlank()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static long number(Map<String, Object> status, String key) {
        return status.get(key) instanceof Number n ? Math.round(n.doubleValue()) : 0;
    }

    static String stateName(PipelineState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
