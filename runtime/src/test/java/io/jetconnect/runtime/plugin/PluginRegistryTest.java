package io.jetconnect.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.EventSink;
import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.CollectingSink;
import io.jetconnect.testplugin.TagDecorator;
import io.jetconnect.testplugin.TickSource;
import io.jetconnect.testplugin.WhichLoader;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    @TempDir
    Path plugins;

    static Path testPlugin(Path dir) {
        return PluginJars.builder(dir.resolve("test-plugin.jar"), "test-plugin", "1.2.3")
                .extension(CollectingSink.class)
                .extension(TagDecorator.class)
                .extension(TickSource.class)
                .resource("reference.conf", "collect { label = default-label }\ntag { tag = t }\ntick { count = 1 }")
                .build();
    }

    @Test
    void loadsAPluginJarWithItsTypesAndDefaults() {
        testPlugin(plugins);
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertEquals(List.of(), registry.problems());
            assertEquals(1, registry.plugins().size());
            PluginInfo info = registry.plugins().get(0);
            assertEquals("test-plugin", info.id());
            assertEquals("1.2.3", info.version());
            assertEquals(ExtensionKind.SINK, registry.type("collect").kind());
            assertEquals(ExtensionKind.DECORATOR, registry.type("tag").kind());
            assertEquals(ExtensionKind.SOURCE, registry.type("tick").kind());
            assertEquals("default-label", registry.type("collect").reference().getString("label"));
            // Loaded from the jar, not from the test class path.
            assertNotSame(CollectingSink.class, registry.type("collect").extensionClass());
        }
    }

    @Test
    void theSpiLoadsFromTheHostEvenWhenAPluginBundlesIt() throws Exception {
        PluginJars.builder(plugins.resolve("bundles-spi.jar"), "bundles-spi", "1.0")
                .extension(WhichLoader.class)
                .clazz(EventSink.class)
                .build();
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            PluginType type = registry.type("which-loader");
            Object sink = registry.create(type, EventSink.class);
            Method own = sink.getClass().getMethod("ownLoader");
            Method spi = sink.getClass().getMethod("spiLoader");
            assertNotSame(getClass().getClassLoader(), own.invoke(sink));
            assertSame(EventSink.class.getClassLoader(), spi.invoke(sink));
        }
    }

    @Test
    void aBrokenDescriptorIsSkippedAndTheOthersLoad() throws IOException {
        testPlugin(plugins);
        PluginJars.builder(plugins.resolve("broken.jar"), "broken", "1.0").manifest("Plugin-Id", null)
                .extension(WhichLoader.class).build();
        Files.writeString(plugins.resolve("garbage.jar"), "this is not a zip file");
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertNotNull(registry.type("collect"));
            assertTrue(registry.problems().stream().anyMatch(p -> p.startsWith("broken.jar: skipped")),
                    registry.problems().toString());
            assertTrue(registry.problems().stream().anyMatch(p -> p.startsWith("garbage.jar: skipped")),
                    registry.problems().toString());
        }
    }

    @Test
    void anExtensionClassThatFailsToLoadIsSkipped() {
        PluginJars.builder(plugins.resolve("half.jar"), "half", "1.0")
                .extension(CollectingSink.class)
                .missingExtension("com.example.DoesNotExist")
                .build();
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertNotNull(registry.type("collect"));
            assertTrue(registry.problems().stream().anyMatch(
                    p -> p.contains("half: extension com.example.DoesNotExist cannot be loaded")),
                    registry.problems().toString());
        }
    }

    @Test
    void aTypeNameProvidedTwiceIsAmbiguousAndNotUsed() {
        testPlugin(plugins);
        PluginJars.builder(plugins.resolve("zz-dup.jar"), "zz-dup", "1.0").extension(CollectingSink.class).build();
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertEquals(1, registry.names(ExtensionKind.SINK).size());
            assertTrue(registry.problems().stream().anyMatch(p -> p.contains("'collect' is already provided")),
                    registry.problems().toString());
            String conflict = registry.conflict("collect").orElse("");
            assertTrue(conflict.contains("'test-plugin'") && conflict.contains("'zz-dup'"), conflict);
            assertTrue(registry.conflict("tag").isEmpty());
        }
    }

    @Test
    void aSecondPluginFileWithABuiltInsIdMakesItsTypesAmbiguous() {
        testPlugin(plugins);
        PluginJars.builder(plugins.resolve("a-impostor.jar"), "test-plugin", "9.9").extension(WhichLoader.class)
                .build();
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            // Whichever file loaded first, every type of that id is refused rather than silently taken over.
            String type = registry.type("which-loader") != null ? "which-loader" : "collect";
            assertTrue(registry.conflict(type).orElse("").contains("two plugin files have the id 'test-plugin'"),
                    registry.problems().toString());
        }
    }

    @Test
    void aMissingDirectoryIsAProblem() {
        try (PluginRegistry registry = PluginRegistry.load(plugins.resolve("nope"))) {
            assertTrue(registry.plugins().isEmpty());
            assertTrue(registry.problems().get(0).contains("plugins directory does not exist"));
        }
    }
}
