package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.PluginStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statuses extensions registered ({@code PluginContext.registerStatus}), by pipeline and element: what the admin
 * API shows and reads instead of looking meters up by name. Thread-safe: extensions register from their start, the
 * admin API reads from its worker threads.
 */
public final class ElementStatuses {

    private static final Logger LOG = LoggerFactory.getLogger(ElementStatuses.class);

    /**
     * One element's registered status.
     *
     * @param position the element's position in {@code sinks}, or -1 for the source
     * @param type its type name
     * @param status what it registered
     */
    public record Registered(int position, String type, PluginStatus status) {

        /** @return {@code source} or {@code sinks[i]}, as {@code pipeline.conf} names the element */
        public String element() {
            return position < 0 ? "source" : "sinks[" + position + "]";
        }

        /**
         * @return the status now; empty if the extension's snapshot failed or broke the contract (logged at debug,
         *     since a scrape-like read must not flood the log)
         */
        public Optional<Map<String, Object>> snapshot() {
            try {
                return Optional.ofNullable(status.snapshot());
            } catch (RuntimeException e) {
                LOG.debug("status of {} ({}) failed: {}", element(), type, e.toString());
                return Optional.empty();
            }
        }
    }

    private record Key(String pipeline, int position) {
    }

    private final Map<Key, Registered> statuses = new ConcurrentHashMap<>();

    /** Registers (or replaces) the status of the element at {@code position} (-1: the source) of a pipeline. */
    public void register(String pipeline, int position, String type, PluginStatus status) {
        statuses.put(new Key(pipeline, position), new Registered(position, type, status));
    }

    /** Forgets every status of a pipeline (it stopped). */
    void removePipeline(String pipeline) {
        statuses.keySet().removeIf(k -> k.pipeline().equals(pipeline));
    }

    /** @return the statuses of a pipeline's elements: the source first, then the sinks in chain order */
    public List<Registered> of(String pipeline) {
        List<Registered> found = new ArrayList<>();
        statuses.forEach((k, v) -> {
            if (k.pipeline().equals(pipeline)) {
                found.add(v);
            }
        });
        found.sort(Comparator.comparingInt(Registered::position));
        return found;
    }
}
