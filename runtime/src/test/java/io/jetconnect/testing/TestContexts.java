package io.jetconnect.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jetconnect.runtime.config.HoconConnectorConfig;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.ElementContext;
import io.jetconnect.runtime.pipeline.ElementStatuses;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.StreamSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the runtime's real contexts for testing one plugin without the whole runtime: the element's block is
 * parsed from HOCON and merged over the {@code reference.conf} on the test's class path, exactly as the runtime
 * would do it, and metrics go to a Prometheus registry the test can scrape.
 */
public final class TestContexts {

    private final String type;
    private String hocon = "";
    private String pipeline = "test";
    private NatsSettings nats = settings("nats://127.0.0.1:4222");
    private Path dataDir;
    private final Map<String, StreamSpec> streams = new LinkedHashMap<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<IngressHandler> ingress = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private final AdminActions actions = new AdminActions();
    private final ElementStatuses statuses = new ElementStatuses();

    private TestContexts(String type) {
        this.type = type;
    }

    /** @return a builder for an element of this type */
    public static TestContexts of(String type) {
        return new TestContexts(type);
    }

    /** @param hocon the element's block, without braces, e.g. {@code subject = "a.b"} */
    public TestContexts config(String hocon) {
        this.hocon = hocon;
        return this;
    }

    public TestContexts pipeline(String name) {
        this.pipeline = name;
        return this;
    }

    public TestContexts nats(String url) {
        return nats(settings(url));
    }

    /** @param settings NATS settings beyond a URL (TLS, credentials) */
    public TestContexts nats(NatsSettings settings) {
        this.nats = settings;
        return this;
    }

    private static NatsSettings settings(String url) {
        return NatsSettings.builder(url).connectionName("jetconnect-test").build();
    }

    public TestContexts dataDir(Path dir) {
        this.dataDir = dir;
        return this;
    }

    public TestContexts stream(StreamSpec spec) {
        streams.put(spec.key(), spec);
        return this;
    }

    /** @return a declared file stream with the defaults of {@code pipeline.conf} */
    public static StreamSpec fileStream(String key, String name, String... subjects) {
        return StreamSpec.builder(name).key(key).subjects(List.of(subjects)).declared(true).build();
    }

    /** @return the element's block over its plugin's defaults */
    public HoconConnectorConfig connectorConfig() {
        Config block = ConfigFactory.parseString(hocon);
        Config reference = ConfigFactory.parseResources(TestContexts.class.getClassLoader(), "reference.conf");
        Config defaults = reference.hasPath(type) ? reference.getConfig(type) : ConfigFactory.empty();
        return new HoconConnectorConfig(block.withFallback(defaults).resolve(),
                "jetconnect.pipelines." + pipeline + ".sinks[0]");
    }

    /** @return a sink or decorator context */
    public ElementContext sink() {
        Path dir = dataDir;
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("jetconnect-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ElementContext(pipeline, type, 0, connectorConfig(),
                new MicrometerPluginMetrics(registry, pipeline), dir,
                nats,
                Map.copyOf(streams), actions, statuses);
    }

    /**
     * @return the status the element (or the source) built from this builder registered last
     *     ({@code PluginContext.registerStatus}), read now
     * @throws AssertionError if it registered none
     */
    public Map<String, Object> status() {
        List<ElementStatuses.Registered> registered = statuses.of(pipeline);
        if (registered.isEmpty()) {
            throw new AssertionError("the element registered no status");
        }
        return registered.get(0).snapshot().orElseThrow(() -> new AssertionError("its status threw"));
    }

    /** @return a source context whose chain is {@code chain} */
    public PipelineSourceContext source(EventSink chain) {
        CursorStore store = new CursorStore() {
            @Override
            public OptionalLong load(String key) {
                Long v = cursors.get(key);
                return v == null ? OptionalLong.empty() : OptionalLong.of(v);
            }

            @Override
            public void store(String key, long position) {
                cursors.put(key, position);
            }
        };
        return new PipelineSourceContext(sink(), chain, store, (name, handler) -> ingress.set(handler),
                failure::set);
    }

    /** @return the handler the source registered, or null */
    public IngressHandler ingress() {
        return ingress.get();
    }

    /** @return the failure the source reported, or null */
    public Throwable failure() {
        return failure.get();
    }

    /** @return the registry the element's metrics went to */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return the action an extension registered under this type, or null */
    public Runnable action(String name) {
        return actions.action(pipeline, type, name).orElse(null);
    }

    /** @return the cursors the source stored */
    public Map<String, Long> cursors() {
        return cursors;
    }
}
