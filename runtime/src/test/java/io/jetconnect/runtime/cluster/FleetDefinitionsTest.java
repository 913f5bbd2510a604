package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetDefinitionsTest {

    @TempDir
    Path dir;

    static String conf(String pipelines) {
        return """
                jetconnect {
                  nats { url = "nats://127.0.0.1:4222", embedded = off }
                  cluster { name = prod, bucket = fleet }
                  streams { events { name = EVENTS, subjects = ["ev.>"], max-age = 1d } }
                  pipelines {
                %s
                  }
                }
                """.formatted(pipelines);
    }

    static final String A = "    a { source { type = http }, sinks = [{ type = jetstream, stream = events, "
            + "subject = \"ev.a\" }] }";
    static final String B = "    b { source { type = http, max-request-bytes = 1KiB }, sinks = [{ type = jetstream, "
            + "stream = events, subject = \"ev.b\" }] }";

    private LoadedConfig load(String text) throws IOException {
        return new PipelineConfigLoader().load(Files.writeString(dir.resolve("pipeline.conf"), text));
    }

    @Test
    void oneEntryPerPipelineAndPerStream() throws IOException {
        Map<String, String> entries = FleetDefinitions.entries(load(conf(A + "\n" + B)));

        assertEquals(Set.of("pipelines.a", "pipelines.b", "streams.events"), entries.keySet());
        assertTrue(entries.get("pipelines.b").contains("max-request-bytes"), entries.get("pipelines.b"));
        assertTrue(entries.get("streams.events").contains("EVENTS"), entries.get("streams.events"));
    }

    @Test
    void aWorkerLoadsTheEntriesInPlaceOfItsFilesPipelinesAndGetsTheSameBlocks() throws IOException {
        LoadedConfig pushed = load(conf(A + "\n" + B));
        Map<String, String> entries = FleetDefinitions.entries(pushed);
        Path worker = Files.writeString(dir.resolve("worker.conf"), conf("    other { source { type = http }, "
                + "sinks = [{ type = jetstream, subject = x }] }"));

        LoadedConfig loaded = new PipelineConfigLoader().load(worker,
                Optional.of(FleetDefinitions.config("fleet", entries)));

        assertEquals(List.of("a", "b"), loaded.pipelines().stream().map(p -> p.name()).toList());
        for (int i = 0; i < 2; i++) {
            assertEquals(pushed.pipelines().get(i).block().root(), loaded.pipelines().get(i).block().root());
        }
        assertEquals(pushed.settings().streams(), loaded.settings().streams());
        assertEquals(entries, FleetDefinitions.entries(loaded), "rendering is stable: a re-push writes nothing");
    }

    @Test
    void aBadEntryIsAProblemNamingItsBucketAndKey() {
        ConfigProblems e = assertThrows(ConfigProblems.class, () -> FleetDefinitions.config("fleet",
                Map.of("pipelines.a", "source { type = http", "workers.w1", "{not hocon")));

        assertEquals(1, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).startsWith("kv fleet/pipelines.a"), e.problems().get(0));
    }

    @Test
    void aPushedPipelineIsCheckedLikeTheFilesOwn() throws IOException {
        Path worker = Files.writeString(dir.resolve("worker.conf"), conf(""));
        Map<String, String> entries = Map.of("pipelines.a", "{\"source\": {\"type\": \"http\"},\n\"sinkz\": []}");

        ConfigProblems e = assertThrows(ConfigProblems.class, () -> new PipelineConfigLoader().load(worker,
                Optional.of(FleetDefinitions.config("fleet", entries))));

        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("kv fleet/pipelines.a: 2: Unknown key "
                + "'jetconnect.pipelines.a.sinkz'")), e.problems().toString());
    }

    @Test
    void aBucketValueIsJsonThatCanNeitherIncludeNorSubstitute() {
        // Whoever can write the bucket must not be able to pull a worker's files, URLs or secrets into a pipeline.
        com.typesafe.config.Config c = FleetDefinitions.config("fleet", Map.of("pipelines.a",
                "{\"source\": {\"type\": \"http\", \"path\": \"${?HOME}\"}}"));
        assertEquals("${?HOME}", c.getString("jetconnect.pipelines.a.source.path"), "a literal, not substituted");
        assertThrows(ConfigProblems.class, () -> FleetDefinitions.config("fleet", Map.of("pipelines.a",
                "include file(\"/etc/passwd\")\nsource { type = http }")));
        assertThrows(ConfigProblems.class, () -> FleetDefinitions.config("fleet", Map.of("pipelines.a",
                "{\"source\": {\"type\": ${jetconnect.nats.token}}}")));
    }

    @Test
    void aCommitListsEachDefinitionByDigestAndOnlyThatSetMatchesIt() {
        Map<String, String> pushed = Map.of("pipelines.a", "{\"x\":1}", "streams.s", "{\"name\":\"S\"}");
        String commit = FleetDefinitions.commit(pushed);

        assertEquals(null, FleetDefinitions.mismatch(commit, pushed));
        assertEquals("pipelines.a changed", FleetDefinitions.mismatch(commit,
                Map.of("pipelines.a", "{\"x\":2}", "streams.s", "{\"name\":\"S\"}")));
        assertEquals("streams.s missing", FleetDefinitions.mismatch(commit, Map.of("pipelines.a", "{\"x\":1}")));
        assertEquals("pipelines.b not in the commit", FleetDefinitions.mismatch(commit,
                Map.of("pipelines.a", "{\"x\":1}", "pipelines.b", "{}", "streams.s", "{\"name\":\"S\"}")));
        assertEquals("the commit is not JSON", FleetDefinitions.mismatch("{", pushed));
    }
}
