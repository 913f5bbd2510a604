package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.PluginStatus;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.StreamSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The context the runtime gives one element of a pipeline. Immutable apart from the data directory, which is
 * created on first use.
 */
public class ElementContext implements SinkContext {

    /** What the context holds; the data directory's path is created only when the element asks for it. */
    private record Element(String pipeline, String type, int position, ConnectorConfig config, PluginMetrics metrics,
                           Path dataDir, NatsSettings nats, Map<String, StreamSpec> streams, AdminActions actions,
                           ElementStatuses statuses, SinkStatus status) {

        /** @return the same element as a source sees it: at position -1, without a sink's status */
        Element asSource() {
            return new Element(pipeline, type, -1, config, metrics, dataDir, nats, streams, actions, statuses, null);
        }
    }

    private final Element element;

    /**
     * @param pipeline the pipeline's name
     * @param type the element's type name
     * @param position its position in {@code sinks}, or -1 for a source
     * @param config its configuration over its defaults
     * @param metrics its metrics
     * @param dataDir the pipeline's data directory (not created yet)
     * @param nats how to reach NATS
     * @param streams the declared streams
     * @param actions where operator actions are registered
     */
    public ElementContext(String pipeline, String type, int position, ConnectorConfig config, PluginMetrics metrics,
                          Path dataDir, NatsSettings nats, Map<String, StreamSpec> streams, AdminActions actions) {
        this(pipeline, type, position, config, metrics, dataDir, nats, streams, actions, null, null);
    }

    /**
     * As above, keeping what the element registers with {@link #registerStatus} in {@code statuses}.
     *
     * @param statuses where statuses are registered, or null to ignore them
     */
    public ElementContext(String pipeline, String type, int position, ConnectorConfig config, PluginMetrics metrics,
                          Path dataDir, NatsSettings nats, Map<String, StreamSpec> streams, AdminActions actions,
                          ElementStatuses statuses) {
        this(pipeline, type, position, config, metrics, dataDir, nats, streams, actions, statuses, null);
    }

    /**
     * @param status where a sink's reports about itself go, or null to ignore them
     */
    ElementContext(String pipeline, String type, int position, ConnectorConfig config, PluginMetrics metrics,
                   Path dataDir, NatsSettings nats, Map<String, StreamSpec> streams, AdminActions actions,
                   ElementStatuses statuses, SinkStatus status) {
        this(new Element(pipeline, type, position, config, metrics, dataDir, nats, streams, actions, statuses,
                status));
    }

    /**
     * The context a source is given: that of its element, at position -1 and without a sink's status.
     *
     * @param source the element context of the source
     */
    ElementContext(ElementContext source) {
        this(source.element.asSource());
    }

    private ElementContext(Element element) {
        this.element = element;
    }

    /**
     * The context of an element of a pipeline as the runtime's settings give it: its NATS, its streams, its data
     * directory {@link #dataDir(RuntimeSettings, String)}.
     *
     * @param position its position in {@code sinks}, or -1 for a source
     * @param status where a sink's reports about itself go, or null to ignore them
     */
    static ElementContext of(String pipeline, ResolvedElement element, int position, PluginMetrics metrics,
                             RuntimeSettings settings, AdminActions actions, ElementStatuses statuses,
                             SinkStatus status) {
        return new ElementContext(pipeline, element.type().name(), position, element.config(), metrics,
                dataDir(settings, pipeline), settings.nats(), settings.streams(), actions, statuses, status);
    }

    /** @return the data directory of a pipeline's elements: {@code data-dir/pipelines/NAME} */
    static Path dataDir(RuntimeSettings settings, String pipeline) {
        return settings.dataDir().resolve("pipelines").resolve(pipeline);
    }

    @Override
    public String pipelineName() { return element.pipeline(); }

    @Override
    public String typeName() { return element.type(); }

    @Override
    public int position() { return element.position(); }

    @Override
    public ConnectorConfig config() { return element.config(); }

    @Override
    public PluginMetrics metrics() { return element.metrics(); }

    @Override
    public Path dataDir() {
        Path dataDir = element.dataDir();
        try {
            return Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new JetconnectException("cannot create data directory " + dataDir + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    @Override
    public java.util.concurrent.ThreadFactory threadFactory(String role) {
        String pipeline = element.pipeline();
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                org.slf4j.MDC.put("pipeline", pipeline);
                r.run();
            }, "jetconnect-" + pipeline + "-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public java.util.concurrent.ScheduledExecutorService serialExecutor(String role) {
        return SerialExecutor.shared(element.pipeline(), role);
    }

    @Override
    public void registerAction(String name, Runnable action) {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("action names are lower-case words: " + name);
        }
        element.actions().register(element.pipeline(), element.type(), name, action);
    }

    @Override
    public void registerStatus(PluginStatus status) {
        java.util.Objects.requireNonNull(status, "status");
        if (element.statuses() != null) {
            element.statuses().register(element.pipeline(), element.position(), element.type(), status);
        }
    }

    @Override
    public NatsSettings nats() { return element.nats(); }

    @Override
    public Map<String, StreamSpec> streams() { return element.streams(); }

    @Override
    public void waiting(String reason) {
        if (element.status() != null) {
            element.status().waiting(reason);
        }
    }

    @Override
    public void available() {
        if (element.status() != null) {
            element.status().available();
        }
    }

    @Override
    public void failed(io.jetconnect.spi.JetconnectException cause) {
        if (element.status() != null) {
            element.status().failed(cause);
        }
    }
}
