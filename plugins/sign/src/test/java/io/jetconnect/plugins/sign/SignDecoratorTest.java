package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.runtime.config.BlockChecker;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.Concurrently;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SignDecoratorTest {

    @TempDir
    Path dir;

    /** The next sink: records events and answers with a stage the test controls. */
    static final class RecordingSink implements EventSink {
        final Queue<CloudEvent> events = new ConcurrentLinkedQueue<>();
        volatile CompletableFuture<Void> answer = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            events.add(event);
            return answer;
        }
    }

    private static String quoted(Path file) {
        return "\"" + file.toString().replace("\\", "\\\\") + "\"";
    }

    /** @return the layer signing with Ed25519 with the private key of {@code ed} and {@code more} settings */
    private static EventSink ed25519(TestKeys.EdFiles ed, String more, EventSink next) {
        return decorate(TestContexts.of("sign").config("algorithm = ed25519\nkey-file = " + quoted(ed.privateKey())
                + "\n" + more), next);
    }

    private static EventSink decorate(TestContexts contexts, EventSink next) {
        return new SignDecorator().decorate(contexts.sink(), next);
    }

    private static ConfigurationException configError(String hocon) {
        return assertThrows(ConfigurationException.class,
                () -> decorate(TestContexts.of("sign").config(hocon), new RecordingSink()));
    }

    @Test
    void signsEachEventAndPassesTheInnerOutcomeThrough() throws Exception {
        Path key = TestKeys.hmac(dir, "hmac-1.key");
        RecordingSink next = new RecordingSink();
        TestContexts contexts = TestContexts.of("sign").config("key-file = " + quoted(key));
        EventSink layer = decorate(contexts, next);

        CloudEvent event = TestEvents.json("1");
        layer.emit(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        CloudEvent signed = next.events.poll();
        assertNotNull(signed);
        assertEquals("hmac-sha256", signed.getExtension("sigalg"));
        assertEquals("hmac-1", signed.getExtension("sigkeyid"), "key id defaults to the file name");
        assertEquals(event.getId(), signed.getId());
        assertEquals(null, event.getExtension("sig"), "the input is not mutated");
        KeyRing ring = new KeyRing(List.of(KeyFiles.read(key, "hmac-1", null)));
        assertEquals(Verification.VALID, ring.verify(signed));

        CompletableFuture<Void> pending = new CompletableFuture<>();
        next.answer = pending;
        CompletableFuture<Void> outcome = layer.emit(event).toCompletableFuture();
        assertFalse(outcome.isDone(), "completes only when the inner sink does");
        RetriableException retriable = new RetriableException("broker gone");
        pending.completeExceptionally(retriable);
        CompletionException failure = assertThrows(CompletionException.class, outcome::join);
        assertSame(retriable, failure.getCause());

        String scrape = contexts.registry().scrape();
        assertTrue(scrape.contains("jetconnect_sign_events_total{pipeline=\"test\"} 2.0"), scrape);
    }

    @Test
    void declaresThatItSignsAndChangesNothingElse() {
        DecoratorTraits traits = SignDecorator.class.getAnnotation(DecoratorTraits.class);
        assertTrue(traits.signs());
        assertFalse(traits.changesEvents() || traits.redacts() || traits.persists());
    }

    @Test
    void anEventWithoutCanonicalFormFailsPermanently() {
        RecordingSink next = new RecordingSink();
        EventSink layer = decorate(TestContexts.of("sign").config("key-file = " + quoted(TestKeys.hmac(dir, "k.key"))),
                next);
        CloudEvent clash = CloudEventBuilder.from(TestEvents.json("1")).withExtension("id", "x").build();
        CompletionException e = assertThrows(CompletionException.class,
                () -> layer.emit(clash).toCompletableFuture().join());
        assertInstanceOf(JetconnectException.class, e.getCause());
        assertFalse(e.getCause() instanceof RetriableException);
        assertTrue(next.events.isEmpty());
    }

    @Test
    void ed25519WithExplicitKeyId() throws Exception {
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed");
        RecordingSink next = new RecordingSink();
        EventSink layer = ed25519(ed, "key-id = prod-2025", next);
        layer.emit(TestEvents.json("1")).toCompletableFuture().join();
        CloudEvent signed = next.events.remove();
        assertEquals("ed25519", signed.getExtension("sigalg"));
        assertEquals("prod-2025", signed.getExtension("sigkeyid"));
        assertEquals(86, ((String) signed.getExtension("sig")).length(), "64 bytes in base64url without padding");
        KeyRing ring = new KeyRing(List.of(KeyFiles.read(ed.publicKey(), "prod-2025", null)));
        assertEquals(Verification.VALID, ring.verify(signed));
    }

    @Test
    void rotationSignsWithTheChosenKeyAndKeepsTheOthers() throws Exception {
        TestKeys.EdFiles old = TestKeys.ed25519(dir, "old");
        TestKeys.EdFiles fresh = TestKeys.ed25519(dir, "new");
        Path hmac = TestKeys.hmac(dir, "legacy.key");
        String keys = "keys = [\n"
                + "  { key-id = k-old, algorithm = ed25519, key-file = " + quoted(old.publicKey()) + " }\n"
                + "  { key-id = k-new, algorithm = ed25519, key-file = " + quoted(fresh.privateKey()) + " }\n"
                + "  { key-file = " + quoted(hmac) + " }\n"
                + "]\n";
        SignSettings settings = SignSettings.load(
                TestContexts.of("sign").config(keys + "signing-key-id = k-new").connectorConfig());
        assertEquals("k-new", settings.signer().key().id());
        assertEquals(3, settings.ring().size());

        CloudEvent signedBefore = new EventSigner(KeyFiles.read(old.privateKey(), "k-old", null))
                .sign(TestEvents.json("1"));
        CloudEvent signedNow = settings.signer().sign(TestEvents.json("2"));
        assertEquals("k-new", signedNow.getExtension("sigkeyid"));
        assertEquals(Verification.VALID, settings.ring().verify(signedBefore), "the old key still verifies");
        assertEquals(Verification.VALID, settings.ring().verify(signedNow));

        SignSettings firstSigns = SignSettings.load(TestContexts.of("sign").config(
                "keys = [{ key-file = " + quoted(hmac) + " }, { key-id = k-new, algorithm = ed25519, key-file = "
                        + quoted(fresh.privateKey()) + " }]").connectorConfig());
        assertEquals("legacy", firstSigns.signer().key().id(), "without signing-key-id the first entry signs");
    }

    @Test
    void invalidConfigurationNamesThePathAndNeverTheKey() throws Exception {
        Path hmac = TestKeys.hmac(dir, "h.key");
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed");
        Path shortKey = TestKeys.write(dir.resolve("short.key"), "c2hvcnQ=\n".getBytes(), "rw-------");
        String secret = Files.readString(hmac).trim();

        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"", "key-file", "required"});
        cases.add(new String[] {"key-file = " + quoted(dir.resolve("missing.key")), "key-file", "does not exist"});
        cases.add(new String[] {"key-file = " + quoted(dir), "key-file", "not a regular file"});
        cases.add(new String[] {"key-file = " + quoted(shortKey), "key-file", "needs at least 32"});
        cases.add(new String[] {"key-file = " + quoted(ed.privateKey()), "key-file", "holds a PEM key"});
        cases.add(new String[] {"algorithm = ed25519\nkey-file = " + quoted(hmac), "key-file", "not PEM"});
        cases.add(new String[] {"algorithm = ed25519\nkey-file = " + quoted(ed.publicKey()), "key-file",
            "signing needs the private key"});
        cases.add(new String[] {"algorithm = rsa\nkey-file = " + quoted(hmac), "algorithm", "hmac-sha256 or ed25519"});
        cases.add(new String[] {"key-id = \"bad id\"\nkey-file = " + quoted(hmac), "key-id", "is not 1 to 64"});
        cases.add(new String[] {"key-file = " + quoted(hmac) + "\nkeys = [{ key-file = " + quoted(hmac) + " }]",
            "key-file", "not both"});
        cases.add(new String[] {"keys = [{ keyfile = " + quoted(hmac) + " }]", "keys[0].keyfile", "unknown key"});
        cases.add(new String[] {"keys = [{ key-id = a, key-file = " + quoted(hmac) + " }, { key-id = a, key-file = "
            + quoted(hmac) + " }]", "keys[1].key-id", "used by another entry"});
        cases.add(new String[] {"keys = [{ key-file = " + quoted(hmac) + " }]\nsigning-key-id = nope",
            "signing-key-id", "no entry of keys has key-id nope"});
        cases.add(new String[] {"signing-key-id = h\nkey-file = " + quoted(hmac), "signing-key-id", "applies only"});

        for (String[] c : cases) {
            ConfigurationException e = configError(c[0]);
            String message = e.getMessage();
            assertTrue(message.contains("sinks[0]." + c[1] + "'"), c[0] + " -> " + message);
            assertTrue(message.contains(c[2]), c[0] + " -> " + message);
            assertFalse(message.contains(secret), message);
        }
    }

    @Test
    void referenceConfAcceptsBothFormsAndCatchesTypos() {
        Config reference = ConfigFactory.parseResources(SignDecorator.class.getClassLoader(), "reference.conf")
                .getConfig("sign");
        List<String> single = BlockChecker.check(ConfigFactory.parseString(
                "type = sign, algorithm = ed25519, key-id = k1, key-file = \"/k/k1.pem\""), reference,
                "sinks[0]", Set.of("type"));
        assertEquals(List.of(), single);
        List<String> rotation = BlockChecker.check(ConfigFactory.parseString(
                "type = sign, signing-key-id = b, keys = [{ key-id = a, key-file = \"/k/a.pem\" },"
                        + " { key-id = b, algorithm = ed25519, key-file = \"/k/b.pem\" }]"), reference,
                "sinks[0]", Set.of("type"));
        assertEquals(List.of(), rotation);
        List<String> typo = BlockChecker.check(ConfigFactory.parseString(
                "type = sign, keyfile = \"/k/a.pem\""), reference, "sinks[0]", Set.of("type"));
        assertEquals(1, typo.size());
        assertTrue(typo.get(0).contains("did you mean 'key-file'"), typo.get(0));
    }

    @Test
    void keyFilesOpenToOthersAreLoggedAsWarnings() {
        Path open = TestKeys.hmac(dir, "open.key");
        assumeTrue(Files.getFileAttributeView(open, PosixFileAttributeView.class) != null, "no POSIX permissions");
        TestKeys.chmod(open, "rw-r--r--");
        Path closed = TestKeys.hmac(dir, "closed.key");
        Logger logger = (Logger) LoggerFactory.getLogger(SignDecorator.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            decorate(TestContexts.of("sign").config("key-file = " + quoted(closed)), new RecordingSink());
            assertTrue(appender.list.stream().noneMatch(e -> e.getLevel() == Level.WARN), appender.list.toString());

            decorate(TestContexts.of("sign").config("key-file = " + quoted(open)), new RecordingSink());
            List<String> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("open.key") && warnings.get(0).contains("rw-r--r--"), warnings.get(0));
            String secret = Files.readString(open).trim();
            assertTrue(appender.list.stream().noneMatch(e -> e.getFormattedMessage().contains(secret)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void concurrentEmittersAllGetValidSignatures() throws Exception {
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed");
        RecordingSink next = new RecordingSink();
        EventSink layer = ed25519(ed, "", next);
        Concurrently.run(4, 250,
                (thread, i) -> layer.emit(TestEvents.json(thread + "-" + i)).toCompletableFuture().join());
        KeyRing ring = new KeyRing(List.of(KeyFiles.read(ed.publicKey(), "ed", null)));
        assertEquals(1000, next.events.size());
        assertTrue(next.events.stream().allMatch(e -> ring.verify(e) == Verification.VALID));
        assertFalse(layer.toString().contains(Files.readString(ed.privateKey()).split("\n")[1]), layer.toString());
    }
}
