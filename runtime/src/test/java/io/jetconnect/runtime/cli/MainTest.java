package io.jetconnect.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.BuildVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of the built-in verbs: help on each, version, usage errors, completion. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionIsTheBuildsVersion() {
        assertEquals(0, run("--version"));
        assertEquals("jetconnect " + BuildVersion.version(), out().strip());
        assertTrue(BuildVersion.version().matches("\\d+\\.\\d+\\.\\d+.*"), BuildVersion.version());
    }

    @Test
    void everyBuiltInVerbHasHelp() {
        for (String verb : new String[] {"run", "check", "plugins"}) {
            out.reset();
            assertEquals(0, run(verb, "--help"), verb + ": " + err());
            assertTrue(out().startsWith("Usage: jetconnect " + verb), out());
            assertTrue(out().contains("--config=FILE"), out());
        }
        assertTrue(out().contains("the pipeline.conf to read"), out());
        out.reset();
        assertEquals(0, run("check", "-h"));
        assertTrue(out().contains("--explain=TYPE"), out());
        out.reset();
        assertEquals(0, run("help", "run"));
        assertTrue(out().contains("SIGHUP reloads pipeline.conf"), out());
    }

    @Test
    void noVerbPrintsTheVerbsAndExits2() {
        assertEquals(2, run());
        for (String verb : new String[] {"run", "check", "plugins", "top", "generate-completion",
                "jetconnect VERB --help"}) {
            assertTrue(out().contains("  " + verb), verb + " missing:\n" + out());
        }
    }

    /** A verb a jar on the class path adds: listed in the help, its arguments handed over as they are. */
    @Test
    void aClasspathVerbGetsItsArgumentsUnchangedAndIsListed() {
        EchoVerb echo = new EchoVerb();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Map<String, ClasspathVerb> extra = Map.of("echo", echo);
        assertEquals(7, Verbs.commandLine(extra, o, e).execute("echo", "--help", "--only", "a,b", "-x", "@file"));
        assertEquals(List.of(List.of("--help", "--only", "a,b", "-x", "@file")), echo.calls);
        out.reset();
        assertEquals(2, Verbs.commandLine(extra, o, e).execute());
        assertTrue(out().contains("  echo") && out().contains("Print the arguments."), out());
    }

    /** The verbs are found with ServiceLoader; a provider that cannot load is skipped, the others still come. */
    @Test
    void classpathVerbsAreFoundAndABrokenOneIsSkipped(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(ClasspathVerb.class.getName()),
                "no.such.Verb\n" + EchoVerb.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                MainTest.class.getClassLoader())) {
            Map<String, ClasspathVerb> found = Verbs.classpathVerbs(loader);
            assertEquals(List.of("echo"), List.copyOf(found.keySet()));
            assertTrue(found.get("echo") instanceof EchoVerb, found.toString());
        }
    }

    @Test
    void usageErrorsExit2WithAMessage() {
        assertEquals(2, run("run", "--bogus"));
        assertTrue(err().contains("run takes no arguments besides --config FILE"), err());
        err.reset();
        assertEquals(2, run("check", "--explain"));
        assertTrue(err().contains("Missing required parameter for option '--explain'"), err());
        err.reset();
        assertEquals(2, run("--nope"));
        assertTrue(err().contains("Unknown option: '--nope'"), err());
    }

    @Test
    void explainJetconnectPrintsTheRuntimesKeys() {
        assertEquals(0, run("check", "--explain", "jetconnect"));
        assertTrue(out().contains("  jetconnect.http.port = 8083   (integer)\n      Its TCP port."), out());
    }

    @Test
    void generateCompletionPrintsABashScriptNamingTheVerbs() {
        assertEquals(0, run("generate-completion"));
        assertTrue(out().contains("complete -F"), out());
        assertTrue(out().contains("check") && out().contains("plugins"), out());
    }
}
