package io.jetconnect.spi;

import java.util.Map;

/**
 * What an extension instance tells the admin API about itself: a spill's depth, a source's cursor and lag, its
 * counters. Registered with {@link PluginContext#registerStatus(PluginStatus)}; the runtime shows it under the
 * element on {@code GET /v1/pipelines/{name}} and reads the well-known keys its routes need (the plugin guide lists
 * them), so that the API's figures do not depend on metric names.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #snapshot()} is called from the admin API's worker threads, concurrently with the extension's own
 *       work and possibly while it starts or stops: it must be thread-safe, must not block (no I/O, no lock held
 *       across I/O) and should cost about as much as reading a few volatile fields.</li>
 *   <li>It returns a new immutable map each time ({@code Map.of}, {@code Map.copyOf}); keys are lower camel case
 *       ({@code lagEvents}); values are {@link String}, {@link Boolean}, {@link Number} (integral for counts) or
 *       an immutable {@link Map} or {@link java.util.List} of those. No null keys or values: leave a key out when
 *       it has no value.</li>
 *   <li>An exception it throws is not propagated: the admin API shows the element without its status.</li>
 * </ul>
 *
 * <pre>{@code
 * context.registerStatus(() -> Map.of("depth", log.depth(), "mode", spilling() ? "spilling" : "passing"));
 * }</pre>
 *
 * @since 0.2
 */
@FunctionalInterface
public interface PluginStatus {

    /** @return the extension's status now; an immutable map, never null */
    Map<String, Object> snapshot();
}
