package io.jetconnect.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the runtime gives every extension instance: its configuration, metrics, storage and the shared NATS
 * settings. Implemented by the runtime; plugins never implement it (except in unit tests).
 *
 * <p>All methods are thread-safe and return non-null values.
 */
public interface PluginContext {

    /** @return the name of the pipeline this instance belongs to, a key of {@code jetconnect.pipelines} */
    String pipelineName();

    /** @return the type name of this extension, as in {@link TypeName} */
    String typeName();

    /**
     * @return this extension's block of {@code pipeline.conf} merged over the defaults of its plugin's
     *     {@code reference.conf}, already checked for unknown keys and wrong types
     */
    ConnectorConfig config();

    /** @return metrics that carry the {@code pipeline} label and are removed when the pipeline stops */
    PluginMetrics metrics();

    /**
     * @return a directory reserved for this pipeline's state under {@code jetconnect.data-dir}, created on
     *     first call; extensions create their own sub-directory in it
     */
    Path dataDir();

    /** @return how to reach NATS ({@code jetconnect.nats}), with the embedded server's URL if one runs */
    NatsSettings nats();

    /**
     * Makes the threads an extension starts for this pipeline: named {@code jetconnect-<pipeline>-<role>-N},
     * daemon, and with the pipeline's name in the logging MDC, so that every log line about the pipeline carries
     * it. The default (for contexts built outside the runtime) names threads only.
     *
     * @param role what the threads do, such as {@code drain} or {@code fetch}; not null
     * @return a thread factory; never null
     * @since 0.1
     */
    default java.util.concurrent.ThreadFactory threadFactory(String role) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "jetconnect-" + pipelineName() + "-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * An executor for this extension's background work that runs its tasks one at a time, in the order they were
     * submitted (a delayed task once it is due), with the pipeline's name in the logging MDC: what a thread of its
     * own would give, without holding a thread while there is nothing to do. In the runtime every pipeline's
     * serial executors share one pool of threads, so a thousand idle pipelines hold none of them.
     *
     * <ul>
     *   <li>Tasks may block (a write and fsync, a connect bounded by a timeout); while one does, it holds a shared
     *       thread. A task should return when it runs out of work rather than wait for more: ask for another run
     *       when work arrives, or {@code schedule} one.</li>
     *   <li>A task that throws is logged and the next one runs; a periodic task that throws stops repeating.</li>
     *   <li>{@code shutdown()} and {@code shutdownNow()} stop this executor only: queued and delayed tasks are
     *       dropped by {@code shutdownNow()}, which also interrupts a task running now. The thread's interrupt is
     *       cleared once that task returns. Call one of them when the extension closes.</li>
     * </ul>
     *
     * <p>The default (for contexts built outside the runtime) is a single-thread executor of its own, made with
     * {@link #threadFactory(String)}.
     *
     * @param role what the tasks do, such as {@code drain}; names the threads of the default; not null
     * @return a new serial executor; never null
     * @since 0.2
     */
    default java.util.concurrent.ScheduledExecutorService serialExecutor(String role) {
        java.util.concurrent.ScheduledThreadPoolExecutor own = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, threadFactory(role));
        own.setRemoveOnCancelPolicy(true);
        return own;
    }

    /**
     * Offers an operator action on the admin API: {@code POST /v1/pipelines/<pipeline>/<type>/<name>} calls it
     * (for example {@code POST /v1/pipelines/ingest/dlq/drain}). The action must return promptly; it runs on a
     * listener thread. The default ignores the registration.
     *
     * @param name the action's name, a lower-case word; not null
     * @param action what to do; not null
     * @since 0.1
     */
    default void registerAction(String name, Runnable action) {
    }

    /**
     * Tells the admin API how this instance is doing: {@code GET /v1/pipelines/{pipeline}} shows the map under
     * the element, and routes such as {@code GET /v1/pipelines/{pipeline}/dlq} read their well-known keys from it.
     * One status per instance: registering again replaces the earlier one. The runtime forgets it when the
     * pipeline stops; a source started again (a resume) registers its new instance's. The default ignores the
     * registration (contexts built outside the runtime).
     *
     * @param status reads the status; see {@link PluginStatus} for its thread-safety and value contract; not null
     * @since 0.2
     */
    default void registerStatus(PluginStatus status) {
    }

    /** @return every stream declared in {@code jetconnect.streams}, by key, in declaration order */
    Map<String, StreamSpec> streams();

    /**
     * Resolves a stream reference as {@code pipeline.conf} allows it: a key of {@code jetconnect.streams} or,
     * failing that, the name of a stream.
     *
     * @param keyOrName the reference; not null
     * @return the declared stream, or an undeclared spec carrying only the name
     */
    default StreamSpec stream(String keyOrName) {
        StreamSpec byKey = streams().get(keyOrName);
        if (byKey != null) {
            return byKey;
        }
        for (StreamSpec spec : streams().values()) {
            if (spec.name().equals(keyOrName)) {
                return spec;
            }
        }
        return StreamSpec.undeclared(keyOrName);
    }
}
