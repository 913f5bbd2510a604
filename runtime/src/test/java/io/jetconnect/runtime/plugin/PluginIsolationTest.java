package io.jetconnect.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.JsonFactory;
import io.jetconnect.isolation.LibraryJar;
import io.jetconnect.isolation.ReporterA;
import io.jetconnect.isolation.ReporterB;
import io.jetconnect.isolation.VersionReporter;
import io.jetconnect.isolation.shared.Version;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.EventSink;
import io.nats.client.Nats;
import io.jetconnect.testing.PluginJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two plugins bundle different versions of the same library (a class outside the host packages); each sees its own,
 * and the host, which has a third version on its class path, keeps its own. Host packages (the SPI, Jackson, jnats, the NATS binding) that a
 * plugin bundles anyway still resolve to the host's classes. The plugins are zips laid out as the built-in ones
 * ({@code classes/} + {@code lib/*.jar}), with the library jars compiled on the spot.
 */
class PluginIsolationTest {

    private static final String VERSION = "io.jetconnect.isolation.shared.Version";

    @TempDir
    static Path libraries;

    private static Path libraryV1;
    private static Path libraryV2;
    private static Path fakeJackson;
    private static Path fakeNats;

    @TempDir
    Path plugins;

    @BeforeAll
    static void compileLibraries() {
        libraryV1 = LibraryJar.compile(libraries.resolve("shared-1.jar"), Map.of(VERSION, version("1")));
        libraryV2 = LibraryJar.compile(libraries.resolve("shared-2.jar"), Map.of(VERSION, version("2")));
        // A class of a host package, as a plugin might drag in with a library of its own.
        fakeJackson = LibraryJar.compile(libraries.resolve("jackson-core-0.0.1.jar"),
                Map.of("com.fasterxml.jackson.core.JsonFactory",
                        "package com.fasterxml.jackson.core; public class JsonFactory { }"));
        // jnats and the NATS binding, as a plugin built with them at compile scope would bundle them.
        fakeNats = LibraryJar.compile(libraries.resolve("jnats-0.0.1.jar"), Map.of(
                "io.nats.client.Nats", "package io.nats.client; public class Nats { }",
                "io.jetconnect.nats.NatsEventReader",
                "package io.jetconnect.nats; public class NatsEventReader { }"));
    }

    private static String version(String version) {
        return "package io.jetconnect.isolation.shared;\n"
                + "public final class Version {\n"
                + "    private Version() { }\n"
                + "    public static String get() { return \"" + version + "\"; }\n"
                + "}\n";
    }

    @BeforeEach
    void twoPluginsWithTwoVersions() {
        plugin("plugin-a", ReporterA.class, libraryV1);
        plugin("plugin-b", ReporterB.class, libraryV2);
    }

    private void plugin(String id, Class<? extends VersionReporter> reporter, Path library) {
        PluginJars.builder(plugins.resolve(id + ".zip"), id, "1.0.0")
                .extension(reporter)
                .clazz(VersionReporter.class)
                .clazz(EventSink.class)
                .library(library)
                .library(fakeJackson)
                .library(fakeNats)
                .buildZip();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> report(PluginRegistry registry, String typeName) {
        PluginType type = registry.type(typeName);
        return ((Supplier<Map<String, Object>>) registry.create(type, EventSink.class)).get();
    }

    @Test
    void eachPluginSeesTheVersionItBundlesAndTheHostKeepsItsOwn() {
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            assertEquals(List.of(), registry.problems());
            Map<String, Object> a = report(registry, "reporter-a");
            Map<String, Object> b = report(registry, "reporter-b");

            assertEquals("1", a.get("version"));
            assertEquals("2", b.get("version"));
            assertEquals("host", Version.get());

            assertNotSame(a.get("library"), b.get("library"));
            assertNotSame(Version.class, a.get("library"));
            assertSame(registry.type("reporter-a").extensionClass().getClassLoader(),
                    ((Class<?>) a.get("library")).getClassLoader(), "plugin-a's copy, from its own loader");
            assertNotSame(ReporterA.class, registry.type("reporter-a").extensionClass(),
                    "the extension itself loads from the plugin, not the host's class path");
        }
        // Loading and unloading the plugins left the host's copy alone.
        assertEquals("host", Version.get());
    }

    @Test
    void hostPackagesBundledInAPluginStillResolveToTheHost() {
        try (PluginRegistry registry = PluginRegistry.load(plugins)) {
            for (String typeName : List.of("reporter-a", "reporter-b")) {
                Map<String, Object> report = report(registry, typeName);
                assertSame(JsonFactory.class, report.get("jackson"), typeName + ": Jackson is the host's");
                assertSame(EventSink.class, report.get("spi"), typeName + ": the SPI is the host's");
                assertSame(Nats.class, report.get("jnats"), typeName + ": jnats is the host's");
                assertSame(NatsEventReader.class, report.get("binding"), typeName + ": the NATS binding is the host's");
            }
        }
    }
}
