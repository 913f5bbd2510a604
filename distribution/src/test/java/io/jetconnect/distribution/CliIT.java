package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} and {@code plugins} of the built distribution, on the shipped configuration and on broken ones. */
class CliIT {

    @TempDir
    Path work;

    private static Path shipped() {
        return RuntimeProcess.home().resolve("config/pipeline.conf");
    }

    @Test
    void checkAcceptsTheShippedConfigAndPrintsTheChain() {
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                shipped().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("pipeline ingest"), result.output());
        assertTrue(result.output().contains("source: http"), result.output());
        assertTrue(result.output().contains("chain:  redact -> sign -> dlq -> jetstream"), result.output());
    }

    @Test
    void aTypoMakesCheckPrintFileAndLineAndExit1() throws Exception {
        String text = Files.readString(shipped()).replace("duplicate-window = 2m", "duplicate-windw = 2m");
        Path broken = Files.writeString(work.resolve("pipeline.conf"), text);
        int line = 0;
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("duplicate-windw")) {
                line = i + 1;
            }
        }
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "check", "--config", broken.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(broken + ":" + line + ": Unknown key "
                + "'jetconnect.streams.events.duplicate-windw' (did you mean 'duplicate-window'?)"), result.output());
    }

    @Test
    void aTypoInAPluginBlockIsFoundByCheck() throws Exception {
        String text = Files.readString(shipped()).replace("subject = \"cellos", "subjet = \"cellos");
        Path broken = Files.writeString(work.resolve("pipeline.conf"), text);
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "check", "--config", broken.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("Unknown key 'jetconnect.pipelines.ingest.sinks[3].subjet' "
                + "(did you mean 'subject'?)"), result.output());
    }

    @Test
    void runRefusesAnInvalidConfigWithFileAndLine() throws Exception {
        Path broken = Files.writeString(work.resolve("pipeline.conf"),
                Files.readString(shipped()).replace("port = 8083", "port = lots"));
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "run", "--config", broken.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(broken + ":"), result.output());
        assertTrue(result.output().contains("'jetconnect.http.port': expected a number"), result.output());
    }

    @Test
    void pluginsListsTheBuiltInsWithVersionsAndTypes() {
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "plugins", "--config",
                shipped().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().matches("(?s).*jetstream\\s+0\\.1\\.0-SNAPSHOT\\s+sink jetstream.*"),
                result.output());
        assertTrue(result.output().matches("(?s).*http\\s+0\\.1\\.0-SNAPSHOT\\s+source http.*"), result.output());
    }
}
