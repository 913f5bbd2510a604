package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.CollectingSink;
import io.jetconnect.testplugin.TagDecorator;
import io.jetconnect.testplugin.TickSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds chains from real plugin jars and checks order, configuration and lifecycle. */
class PipelineTest {

    @TempDir
    Path dir;

    private LoadedConfig config(String pipelines) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.builder(plugins.resolve("test-plugin.jar"), "test-plugin", "1.0")
                .extension(CollectingSink.class).extension(TagDecorator.class).extension(TickSource.class)
                .extension(io.jetconnect.testplugin.TraitDecorators.Signer.class)
                .extension(io.jetconnect.testplugin.TraitDecorators.Redactor.class)
                .extension(io.jetconnect.testplugin.TraitDecorators.Spill.class)
                .clazz(io.jetconnect.testplugin.TraitDecorators.class)
                .resource("reference.conf",
                        "collect { label = default-label }\ntag { tag = t }\ntick { count = 1, once = false }")
                .build();
        return config(pipelines, "");
    }

    /** @return what resolving {@code pipelines} against the test plugin reports, which must refuse them */
    private List<String> resolveProblems(String pipelines) throws Exception {
        LoadedConfig config = config(pipelines);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            return assertThrows(ConfigProblems.class, () -> new PipelineResolver(registry).resolve(config)).problems();
        }
    }

    private LoadedConfig config(String pipelines, String extra) throws IOException {
        Path plugins = dir.resolve("plugins");
        Path file = Files.writeString(dir.resolve("pipeline.conf"), "jetconnect { " + extra + "\n  plugins-dir = \"" + plugins
                + "\"\n  data-dir = \"" + dir.resolve("data") + "\"\n  nats.embedded = off\n  pipelines {\n"
                + pipelines + "\n  }\n}\n");
        return new PipelineConfigLoader().load(file);
    }

    /** Reads a static list of a test plugin class as loaded by the plugin's class loader. */
    @SuppressWarnings("unchecked")
    private static List<Object> staticList(PluginRegistry registry, String type, String field) throws Exception {
        Field f = registry.type(type).extensionClass().getField(field);
        return (List<Object>) f.get(null);
    }

    /** Also what the admin API reads of it: the chain's counts and the statuses its elements registered. */
    @Test
    void buildsTheChainOutermostFirstAndStopsIt() throws Exception {
        LoadedConfig config = config("""
                p { source { type = tick, count = 3 }
                    sinks = [ { type = tag, tag = outer }, { type = tag, tag = inner }, { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            List<ResolvedPipeline> resolved = new PipelineResolver(registry).resolve(config);
            assertEquals("tag -> tag -> collect", resolved.get(0).chainDescription());
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ElementStatuses statuses = new ElementStatuses();
            Pipelines pipelines = new Pipelines(new PipelineEnvironment(registry, config.settings(), meters,
                    new IngressRoutes(), new AdminActions(), statuses));
            Pipeline pipeline = pipelines.start(resolved.get(0));
            assertEquals(PipelineState.RUNNING, pipeline.state(), pipeline.lastError().orElse(""));
            List<Object> events = staticList(registry, "collect", "EVENTS");
            assertEquals(3, events.size());
            assertEquals("tick", pipeline.sourceType());
            assertEquals(List.of("tag", "tag", "collect"), pipeline.chain());
            assertEquals(new ChainCounts(3, 3, 0, 0), pipeline.counts());
            assertEquals(List.of("sinks[0] tag {tag=outer}", "sinks[1] tag {tag=inner}"), statuses.of("p").stream()
                    .map(r -> r.element() + " " + r.type() + " " + r.snapshot().orElseThrow()).toList());
            io.cloudevents.CloudEvent first = (io.cloudevents.CloudEvent) events.get(0);
            assertEquals("tick-0", first.getId());
            // outer sees the event first, so inner appends after it.
            assertEquals("outer/inner", first.getExtension("path"));
            assertEquals(List.of("default-label"), staticList(registry, "collect", "LABELS"));
            assertTrue(meters.scrape().contains("jetconnect_pipeline_state{pipeline=\"p\"} 1.0"), meters.scrape());
            assertTrue(pipeline.pause());
            assertEquals(new ChainCounts(3, 3, 0, 0), pipeline.counts(), "a pause keeps the counts");
            assertEquals(2, statuses.of("p").size(), "and the statuses");
            pipelines.stopAll();
            assertEquals(PipelineState.STOPPED, pipeline.state());
            assertEquals(List.of("default-label"), staticList(registry, "collect", "CLOSED"));
            assertEquals(List.of(), statuses.of("p"), "a stopped pipeline's statuses are forgotten");
            assertEquals(ChainCounts.NONE, pipeline.counts());
        }
    }

    /** A lease whose holding the test sets, and the pipeline's call on a change. */
    private static final class TestLease implements SourceLeases, SourceLeases.SourceLease {
        volatile boolean holds;
        volatile long token = 1;
        volatile boolean closed;
        /** Whether the hold ran out between a look at {@link #holds()} and one at {@link #token()}. */
        volatile boolean runsOutBeforeTokenRead;
        Runnable changed;

        @Override
        public java.util.Optional<SourceLease> join(String pipeline, Runnable changed) {
            this.changed = changed;
            return java.util.Optional.of(this);
        }

        @Override
        public boolean holds() {
            return holds;
        }

        @Override
        public boolean verify() {
            return holds;
        }

        @Override
        public long token() {
            return holds && !runsOutBeforeTokenRead ? token : 0;
        }

        @Override
        public boolean confirm() {
            return holds;
        }

        @Override
        public void close() {
            closed = true;
        }

        void set(boolean holding) {
            holds = holding;
            changed.run();
        }
    }

    @Test
    void aRunOncePipelineRunsItsSourceOnlyWhileItHoldsItsLease() throws Exception {
        LoadedConfig config = config("""
                once { source { type = tick, count = 2, once = true }, sinks = [ { type = collect } ] }
                everywhere { source { type = tick, count = 1 }, sinks = [ { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            List<ResolvedPipeline> resolved = new PipelineResolver(registry).resolve(config);
            Pipelines pipelines = new Pipelines(new PipelineEnvironment(registry, config.settings(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new IngressRoutes(), new AdminActions()));
            TestLease lease = new TestLease();
            pipelines.useLeases(lease);
            java.util.function.Function<String, ResolvedPipeline> named = n -> resolved.stream()
                    .filter(r -> r.name().equals(n)).findFirst().orElseThrow();
            Pipeline everywhere = pipelines.start(named.apply("everywhere"));
            assertEquals(PipelineState.RUNNING, everywhere.state(), "a source that may run everywhere needs no lease");
            List<Object> events = staticList(registry, "collect", "EVENTS");
            assertEquals(1, events.size());

            Pipeline once = pipelines.start(named.apply("once"));
            assertEquals(PipelineState.STANDBY, once.state());
            assertTrue(once.takesEvents(), "a standby is ready: its source runs elsewhere");
            assertEquals(1, events.size(), "no event from a source on standby");

            lease.set(true);
            assertEquals(PipelineState.RUNNING, once.state());
            assertEquals(3, events.size(), "the lease taken, the source runs");
            lease.set(false);
            assertEquals(PipelineState.STANDBY, once.state(), "the lease lost, the source stops");

            assertTrue(once.pause(), "a standby pauses");
            lease.set(true);
            assertEquals(PipelineState.PAUSED, once.state(), "a paused standby stays paused when it takes the lease");
            assertTrue(once.resume());
            assertEquals(PipelineState.RUNNING, once.state());
            assertEquals(5, events.size());
            pipelines.stopAll();
            assertTrue(lease.closed, "a stopped pipeline gives its lease up");
        }
    }

    /**
     * A worker frozen past its lease's ttl: the hold ran out and was taken again (a new token) before the notice of
     * the loss was handled, so the pipeline, when told, sees the lease held. Its source must start again under the
     * new token, not run on under the old one.
     */
    @Test
    void aHoldTakenAgainBeforeTheLossWasHandledRestartsTheSource() throws Exception {
        onceUnderLease(true, (once, lease, events) -> {
            assertEquals(PipelineState.RUNNING, once.state(), once.lastError().orElse(""));
            assertEquals(2, events.size());

            lease.changed.run();
            assertEquals(2, events.size(), "told of the same hold: the source runs on");
            lease.token = 2;
            lease.changed.run();
            assertEquals(PipelineState.RUNNING, once.state());
            assertEquals(4, events.size(), "a new source under the new hold");
            lease.token = 3;
            lease.set(true);
            assertEquals(6, events.size(), "and again");
        });
    }

    /**
     * The hold runs out between the pipeline's look at the lease and its read of the token: it stays on standby,
     * never running under token 0 (which no notice would stop). A reclaim asked by a source since replaced is
     * ignored; one that keeps coming under one hold (another writer of the key) fails the pipeline.
     */
    @Test
    void aSourceStartsOnlyUnderATokenAndReclaimsAreItsOwnAndFew() throws Exception {
        onceUnderLease(false, (once, lease, events) -> {
            assertEquals(PipelineState.STANDBY, once.state());

            lease.runsOutBeforeTokenRead = true;
            lease.set(true);
            assertEquals(PipelineState.STANDBY, once.state(), "no token read: not started");
            assertEquals(0, events.size());
            lease.runsOutBeforeTokenRead = false;
            lease.changed.run();
            assertEquals(PipelineState.RUNNING, once.state());
            assertEquals(2, events.size());

            long first = once.sourceGeneration();
            lease.token = 2;
            lease.changed.run();
            assertEquals(4, events.size(), "restarted under the new hold");
            once.reclaimed(first, "once.EVENTS");
            assertEquals(4, events.size(), "a reclaim of the source replaced since is ignored");

            once.reclaimed(once.sourceGeneration(), "once.EVENTS");
            assertEquals(6, events.size(), "its own reclaim restarts it");
            once.reclaimed(once.sourceGeneration(), "once.EVENTS");
            assertEquals(PipelineState.RUNNING, once.state());
            once.reclaimed(once.sourceGeneration(), "once.EVENTS");
            assertEquals(PipelineState.FAILED, once.state(), "the third within a minute under one hold");
            assertTrue(once.lastError().orElse("").contains("cursor once.EVENTS keeps being written by something "
                    + "other"), once.lastError().orElse(""));
            assertEquals(8, events.size());
        });
    }

    /** What a test does with pipeline {@code once} (a tick source that runs once, 2 events a start) and its lease. */
    private interface LeasedTest {
        void run(Pipeline once, TestLease lease, List<Object> events) throws Exception;
    }

    private void onceUnderLease(boolean holds, LeasedTest test) throws Exception {
        LoadedConfig config = config("""
                once { source { type = tick, count = 2, once = true }, sinks = [ { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            List<ResolvedPipeline> resolved = new PipelineResolver(registry).resolve(config);
            Pipelines pipelines = new Pipelines(new PipelineEnvironment(registry, config.settings(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new IngressRoutes(), new AdminActions()));
            TestLease lease = new TestLease();
            lease.holds = holds;
            pipelines.useLeases(lease);
            Pipeline once = pipelines.start(resolved.get(0));
            test.run(once, lease, staticList(registry, "collect", "EVENTS"));
            pipelines.stopAll();
        }
    }

    @Test
    void aDecoratorAfterTheTerminalSinkIsAnErrorWithFileAndLine() throws Exception {
        List<String> problems = resolveProblems("""
                p { source { type = tick }
                    sinks = [ { type = collect }, { type = tag } ] }
                """);
        assertTrue(problems.get(0).matches(".*pipeline.conf:7: .*sinks\\[0\\]': 'collect' is a terminal "
                + "sink and must be the last element.*"), problems.toString());
    }

    @Test
    void unknownTypesAndUnknownKeysOfAPluginAreReported() throws Exception {
        List<String> problems = resolveProblems("""
                p { source { type = tik }
                    sinks = [ { type = tag, tga = x }, { type = collect, label = 5 } ] }
                """);
        assertTrue(problems.stream().anyMatch(p -> p.contains(":6: Invalid value at 'jetconnect.pipelines.p"
                + ".source.type': no plugin provides a source named 'tik'; available: tick")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(":7: Unknown key 'jetconnect.pipelines.p.sinks[0]"
                + ".tga' (did you mean 'tag'?)")), problems.toString());
    }

    @Test
    void aSourceAsASinkIsAnError() throws Exception {
        List<String> problems = resolveProblems("""
                p { source { type = tick }
                    sinks = [ { type = tick } ] }
                """);
        assertTrue(problems.get(0).contains("'tick' is a source; the last element of sinks must be a "
                + "terminal sink"), problems.toString());
    }

    @Test
    void hazardousOrdersAreWarningsAndStrictMakesThemErrors() throws Exception {
        String chain = """
                p { source { type = tick }
                    sinks = [ { type = spill }, { type = signer }, { type = redactor }, { type = collect } ] }
                """;
        LoadedConfig config = config(chain);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            List<String> warnings = new PipelineResolver(registry).resolveWithWarnings(config).warnings();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).matches(".*pipeline.conf:7: warning: 'spill' writes events to disk outside "
                    + "'redactor'.*"), warnings.get(0));
            assertTrue(warnings.get(1).matches(".*pipeline.conf:7: warning: 'redactor' changes events inside "
                    + "'signer'.*"), warnings.get(1));
        }
        LoadedConfig strict = config(chain, "strict = true");
        try (PluginRegistry registry = PluginRegistry.load(strict.settings().pluginsDir())) {
            ConfigProblems e = assertThrows(ConfigProblems.class,
                    () -> new PipelineResolver(registry).resolveWithWarnings(strict));
            assertEquals(2, e.problems().size());
            assertTrue(e.problems().get(1).contains(": error (jetconnect.strict): 'redactor' changes events"),
                    e.problems().toString());
        }
    }

    @Test
    void anAcknowledgedHazardIsNoWarningAndLetsStrictPass() throws Exception {
        String chain = """
                p { source { type = tick }
                    acknowledge = [persists-before-redact, changes-inside-sign]
                    sinks = [ { type = spill }, { type = signer }, { type = redactor }, { type = collect } ] }
                """;
        config(chain);
        LoadedConfig strict = config(chain, "strict = true");
        try (PluginRegistry registry = PluginRegistry.load(strict.settings().pluginsDir())) {
            PipelineResolver.Resolution resolution = new PipelineResolver(registry).resolveWithWarnings(strict);
            assertEquals(List.of(), resolution.warnings());
            assertEquals(2, resolution.acknowledged().size(), resolution.acknowledged().toString());
            assertTrue(resolution.acknowledged().get(0).matches(".*pipeline.conf:8: acknowledged "
                    + "\\(persists-before-redact\\): 'spill' writes events to disk.*"), resolution.acknowledged().get(0));
        }
    }

    @Test
    void aWarningNamesHowToAcknowledgeItAndOnlyItsOwnNameSilencesIt() throws Exception {
        LoadedConfig config = config("""
                p { source { type = tick }
                    acknowledge = [changes-inside-sign]
                    sinks = [ { type = spill }, { type = signer }, { type = redactor }, { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            List<String> warnings = new PipelineResolver(registry).resolveWithWarnings(config).warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).endsWith("[persists-before-redact; to accept it, add acknowledge = "
                    + "[persists-before-redact] to the pipeline]"), warnings.get(0));
        }
    }

    @Test
    void anUnknownAcknowledgementIsAnErrorWithFileAndLine() throws Exception {
        LoadedConfig config = config("""
                p { source { type = tick }
                    acknowledge = [dlq-befor-jetstream]
                    sinks = [ { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            ConfigProblems e = assertThrows(ConfigProblems.class,
                    () -> new PipelineResolver(registry).resolveWithWarnings(config));
            assertTrue(e.problems().get(0).matches(".*pipeline.conf:7: Invalid value at 'jetconnect.pipelines.p"
                    + ".acknowledge': 'dlq-befor-jetstream' is not a composition warning; known: "
                    + "changes-inside-sign, dlq-before-jetstream, persists-before-redact"), e.problems().toString());
        }
    }

    @Test
    void theRecommendedOrderHasNoWarnings() throws Exception {
        LoadedConfig config = config("""
                p { source { type = tick }
                    sinks = [ { type = redactor }, { type = signer }, { type = spill }, { type = collect } ] }
                """);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            assertEquals(List.of(), new PipelineResolver(registry).resolveWithWarnings(config).warnings());
        }
    }
}
