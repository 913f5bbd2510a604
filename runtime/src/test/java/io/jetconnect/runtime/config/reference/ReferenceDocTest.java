package io.jetconnect.runtime.config.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed configuration reference is what the sources generate: a key added to any reference.conf without
 * regenerating the page fails the build, with the command that regenerates it.
 */
class ReferenceDocTest {

    /** surefire runs in the module's folder; the repository's root is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theCommittedPageIsWhatTheReferenceConfFilesGenerate() throws Exception {
        String generated = ReferenceDoc.markdown(ROOT);
        Path page = ROOT.resolve(ReferenceDoc.PAGE);
        if (Boolean.getBoolean("reference.write")) {
            Files.writeString(page, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.isRegularFile(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, ReferenceDoc.PAGE + " is stale: a reference.conf changed. Regenerate it "
                + "with\n  " + ReferenceDoc.REGENERATE + "\nand commit it.");
    }

    @Test
    void thePageListsTheRuntimesAndEveryPluginsKeysWithTypeDefaultAndDoc() throws Exception {
        String page = ReferenceDoc.markdown(ROOT);
        assertTrue(page.contains("| `jetconnect.http.port` | integer | `8083` |"), page);
        assertTrue(page.contains("| `jetconnect.shutdown-timeout` | duration | `30s` | How long a stopping pipeline "
                + "waits"), page);
        assertTrue(page.contains("| `jetconnect.plugins-dir` | string | (unset) | Where plugins are loaded from."),
                page);
        for (String type : new String[] {"http", "jetstream", "redact", "sign", "dlq", "replay", "live-tail",
                "jsonl", "stdout", "webhook"}) {
            assertTrue(page.contains("\n## `" + type + "` ("), type + " missing:\n" + page);
        }
        assertTrue(page.contains("| `stream` | string | `\"\"` | The stream to read: a key of jetconnect.streams or "
                + "the name of a stream. Required. |"), page);
    }
}
