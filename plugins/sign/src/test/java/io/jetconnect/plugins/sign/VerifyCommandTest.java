package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.TestConsole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    @TempDir
    Path dir;

    private static String vector(String name) {
        return Vectors.file(name).toString();
    }

    private static TestConsole.Run run(String... args) {
        return new TestConsole().run(new VerifyCommand(), args);
    }

    /** Runs the verb and checks its summary line and exit code. */
    private static TestConsole.Run assertRun(String summary, int exit, String... args) {
        TestConsole.Run run = run(args);
        assertEquals(summary, run.out(), run.err());
        assertEquals(exit, run.exit(), run.err());
        return run;
    }

    private Path jsonl(String name, List<String> lines) throws Exception {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    @Test
    void theSignedVectorsAreAllValid() {
        assertRun("valid=9 invalid=0 unsigned=0", 0, "--key-file", vector("ed-2025.pub.pem"),
                vector("ed25519.jsonl"));
        assertRun("valid=9 invalid=0 unsigned=0", 0, "--key-file", vector("hmac-2025.key"),
                "--key-file", vector("ed-2025.pem"), vector("hmac-sha256.jsonl"));
    }

    @Test
    void tamperedUnknownAndUnsignedEventsAreCountedAndReported() throws Exception {
        List<String> lines = new ArrayList<>(Vectors.lines("ed25519.jsonl"));
        lines.set(0, lines.get(0).replace("\"total\":\"59.90\"", "\"total\":\"0.01\""));
        lines.set(2, lines.get(2).replace("\"urgent\":true", "\"urgent\":false"));
        lines.add(lines.get(4).replace("\"sigkeyid\":\"ed-2025\"", "\"sigkeyid\":\"ed-2019\""));
        lines.add(Vectors.lines("events.jsonl").get(3));
        lines.add("");
        lines.add("{\"not\": \"an event\"}");
        Path file = jsonl("mixed.jsonl", lines);

        TestConsole.Run run = assertRun("valid=7 invalid=4 unsigned=1", 1,
                "--key-file", vector("ed-2025.pub.pem"), file.toString());
        List<String> err = run.errLines();
        assertTrue(err.contains("invalid line 1 source=/orders/eu-west-1 id=evt-0001: signature mismatch"), run.err());
        assertTrue(err.contains("invalid line 3 source=urn:example:sensors:42 id=evt-0003: signature mismatch"),
                run.err());
        assertTrue(err.contains("invalid line 10 source=/chat id=evt-0005: unknown key id \"ed-2019\""), run.err());
        assertTrue(err.stream().anyMatch(l -> l.startsWith("invalid line 13: not a CloudEvent")), run.err());
    }

    @Test
    void unsignedEventsFailOnlyWhenRequired() {
        assertRun("valid=0 invalid=0 unsigned=9", 0, "--key-file", vector("ed-2025.pub.pem"),
                vector("events.jsonl"));
        TestConsole.Run run = run("--require-signed", "--key-file", vector("ed-2025.pub.pem"),
                vector("events.jsonl"));
        assertEquals(1, run.exit());
    }

    @Test
    void explicitKeyIdsMapToKeys() {
        TestConsole.Run run = run("--key", "other=" + vector("ed-2025.pub.pem"),
                vector("ed25519.jsonl"));
        assertEquals("valid=0 invalid=9 unsigned=0", run.out());
        run = run("--key", "ed-2025=" + vector("ed-2025.pem"), vector("ed25519.jsonl"));
        assertEquals("valid=9 invalid=0 unsigned=0", run.out(), "a private key verifies too");
    }

    @Test
    void usageAndInputErrorsExitWithTwo() throws Exception {
        TestConsole.Run run = run(vector("ed25519.jsonl"));
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("no key") && run.err().contains("usage: jetconnect verify"), run.err());

        run = run("--key-file", vector("ed-2025.pub.pem"), dir.resolve("nope.jsonl").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("no such file"), run.err());

        Path shortKey = Files.writeString(dir.resolve("short.key"), "c2hvcnQ=");
        run = run("--key-file", shortKey.toString(), vector("ed25519.jsonl"));
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("short.key holds an HMAC key of 5 bytes"), run.err());
        assertFalse(run.err().contains("c2hvcnQ"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpPrintsUsage() {
        TestConsole.Run run = run("--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("usage: jetconnect verify"), run.out());
        assertFalse(new VerifyCommand().summary().isBlank());
    }

    @Test
    void looseKeyFilePermissionsAreWarnedAbout() throws Exception {
        Path key = TestKeys.hmac(dir, "h.key");
        TestKeys.chmod(key, "rw-r--r--");
        TestConsole.Run run = run("--key-file", key.toString(), vector("events.jsonl"));
        assertEquals(0, run.exit());
        boolean posix = Files.getFileAttributeView(key, java.nio.file.attribute.PosixFileAttributeView.class) != null;
        assertEquals(posix, run.err().contains("warning: key file " + key + " is accessible by group or others"),
                run.err());
    }

    @Test
    void aGeneratedDevelopmentKeyVerifiesWhatItSignedUnderItsDigestId() throws Exception {
        Path key = dir.resolve("dev-signing.key");
        SignSettings settings = SignSettings.load(io.jetconnect.testing.TestContexts.of("sign")
                .config("key-file = \"" + key + "\", generate-if-missing = true").connectorConfig());
        io.cloudevents.jackson.JsonFormat format = new io.cloudevents.jackson.JsonFormat();
        List<String> lines = new ArrayList<>();
        for (String line : Vectors.lines("events.jsonl")) {
            lines.add(new String(format.serialize(settings.signer().sign(io.jetconnect.nats.NatsEventReader
                    .readStructured(line.getBytes(StandardCharsets.UTF_8)))), StandardCharsets.UTF_8));
        }
        assertTrue(lines.get(0).contains("\"sigkeyid\":\"" + DevKey.keyId(key) + "\""), lines.get(0));
        TestConsole.Run run = run("--key-file", key.toString(),
                jsonl("dev.jsonl", lines).toString());
        assertEquals("valid=9 invalid=0 unsigned=0", run.out());
    }
}
