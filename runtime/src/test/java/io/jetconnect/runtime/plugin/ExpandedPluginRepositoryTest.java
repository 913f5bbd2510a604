package io.jetconnect.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.CollectingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpandedPluginRepositoryTest {

    @TempDir
    Path plugins;

    private Path zip(String id) {
        return PluginJars.builder(plugins.resolve(id + ".zip"), id, "1.0").extension(CollectingSink.class)
                .resource("reference.conf", "collect { label = x }").build();
    }

    @Test
    void anExpandedPluginIsLoadedWithoutWritingAndANewerZipIsExpandedAgain() throws Exception {
        Path zip = zip("expanded");
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertTrue(registry.problems().isEmpty(), registry.problems().toString());
            assertEquals(1, registry.plugins().size());
        }
        Path folder = plugins.resolve("expanded");
        assertTrue(Files.isDirectory(folder));
        FileTime expandedAt = Files.getLastModifiedTime(folder);
        Files.setLastModifiedTime(zip, FileTime.from(expandedAt.toInstant().minusSeconds(60)));
        List<String> problems = new ArrayList<>();
        assertTrue(ExpandedPluginRepository.expand(zip, problems::add));
        assertEquals(expandedAt, Files.getLastModifiedTime(folder), "an up-to-date folder is not written");
        Files.setLastModifiedTime(zip, FileTime.from(Instant.now().plusSeconds(60)));
        assertTrue(ExpandedPluginRepository.expand(zip, problems::add));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void aZipThatCannotBeExpandedIsSkippedWithWhyAndTheOthersLoad() throws Exception {
        zip("fine");
        Files.writeString(plugins.resolve("blocked"), "a file where the folder would go");
        zip("blocked");
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertEquals(List.of("fine"), registry.plugins().stream().map(PluginInfo::id).toList());
            assertTrue(registry.problems().stream().anyMatch(p -> p.startsWith("blocked.zip: skipped, cannot "
                    + "expand it into " + plugins.resolve("blocked"))), registry.problems().toString());
        }
        assertFalse(Files.isDirectory(plugins.resolve("blocked")));
    }
}
