package io.jetconnect.plugins.sign;

import io.jetconnect.nats.NatsEventReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.spi.EventSink;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestConsole;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --stream} against a real nats-server, and {@code verify FILE.jsonl}, on events signed by the real
 * decorator and published in both content modes of the NATS binding.
 */
@ExtendWith(NatsServerExtension.class)
class VerifyCommandIT {

    private static Connection connection;
    private static JetStream jetStream;
    private static String url;

    @TempDir
    static Path dir;

    @BeforeAll
    static void connect(NatsServer server) throws Exception {
        url = server.url();
        connection = Nats.connect(url);
        jetStream = connection.jetStream();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        connection.close();
    }

    private static void createStream(String name, String subject) throws Exception {
        connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name(name).subjects(subject).storageType(StorageType.Memory).build());
    }

    /** Publishes to JetStream in structured mode or, per the NATS binding, in binary mode. */
    private static final class JetStreamSink implements EventSink {
        private final String subject;
        private final boolean binary;

        JetStreamSink(String subject, boolean binary) {
            this.subject = subject;
            this.binary = binary;
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            return jetStream.publishAsync(binary ? binary(subject, event) : structured(subject, event))
                    .thenApply(ack -> null);
        }
    }

    private static NatsMessage structured(String subject, CloudEvent event) {
        return NatsMessage.builder().subject(subject)
                .headers(new Headers().put("Content-Type", JsonFormat.CONTENT_TYPE))
                .data(new JsonFormat().serialize(event)).build();
    }

    private static NatsMessage binary(String subject, CloudEvent event) {
        Headers headers = new Headers();
        for (String name : event.getAttributeNames()) {
            Object value = event.getAttribute(name);
            if (value != null) {
                headers.put("ce-" + name, percentEncode(CanonicalForm.text(name, value)));
            }
        }
        for (String name : event.getExtensionNames()) {
            headers.put("ce-" + name, percentEncode(CanonicalForm.text(name, event.getExtension(name))));
        }
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        return NatsMessage.builder().subject(subject).headers(headers).data(data).build();
    }

    /** The binding's header value encoding: space, double quote, percent and non-printable ASCII as %XX. */
    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c == '"' || c == '%' || c >= 0x7f) {
                out.append(String.format("%%%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static EventSink signing(Path key, String algorithm, EventSink next) {
        return new SignDecorator().decorate(TestContexts.of("sign")
                .config("algorithm = " + algorithm + "\nkey-file = \"" + key + "\"").sink(), next);
    }

    @Test
    void verifiesEveryMessageOfAStreamInBothContentModes() throws Exception {
        createStream("SIGNED", "signed.>");
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed-it");
        Path hmac = TestKeys.hmac(dir, "hmac-it.key");
        EventSink structuredEd = signing(ed.privateKey(), "ed25519", new JetStreamSink("signed.s", false));
        EventSink binaryEd = signing(ed.privateKey(), "ed25519", new JetStreamSink("signed.b", true));
        EventSink binaryHmac = signing(hmac, "hmac-sha256", new JetStreamSink("signed.h", true));

        CloudEvent unicode = CloudEventBuilder.from(TestEvents.json("u")).withSubject("grüße \"x\" 100%")
                .withExtension("count", 3).withExtension("urgent", true).build();
        for (int i = 1; i <= 3; i++) {
            structuredEd.emit(TestEvents.json("s" + i)).toCompletableFuture().join();
            binaryEd.emit(TestEvents.json("b" + i)).toCompletableFuture().join();
        }
        binaryEd.emit(unicode).toCompletableFuture().join();
        binaryHmac.emit(TestEvents.builder("n").build()).toCompletableFuture().join();

        // Tampered after signing: data in structured mode, an attribute in binary mode, an added extension.
        CapturingSink captured = new CapturingSink();
        EventSink capture = signing(ed.privateKey(), "ed25519", captured);
        capture.emit(TestEvents.json("t1")).toCompletableFuture().join();
        capture.emit(TestEvents.json("t2")).toCompletableFuture().join();
        capture.emit(TestEvents.json("t3")).toCompletableFuture().join();
        jetStream.publish(structured("signed.s", CloudEventBuilder.from(captured.events.get(0))
                .withData("{\"order\":\"t1\",\"total\":\"0.01\"}".getBytes(StandardCharsets.UTF_8)).build()));
        jetStream.publish(binary("signed.b", CloudEventBuilder.from(captured.events.get(1))
                .withType("com.example.order.cancelled").build()));
        jetStream.publish(binary("signed.b", CloudEventBuilder.from(captured.events.get(2))
                .withExtension("role", "admin").build()));
        // Unsigned, and not a CloudEvent at all.
        jetStream.publish(structured("signed.s", TestEvents.json("plain")));
        jetStream.publish(NatsMessage.builder().subject("signed.x").data("hello", StandardCharsets.UTF_8).build());

        TestConsole context = new TestConsole(url)
                .stream(TestContexts.fileStream("signed", "SIGNED", "signed.>"));
        TestConsole.Run run = context.run(new VerifyCommand(), "--key-file", ed.publicKey().toString(),
                "--key-file", hmac.toString(), "--stream", "signed");
        assertEquals("valid=8 invalid=4 unsigned=1", run.out(), run.err());
        assertEquals(1, run.exit());
        List<String> err = run.errLines();
        assertTrue(err.contains("invalid seq 9 source=/orders/eu-west-1 id=t1: signature mismatch"), run.err());
        assertTrue(err.contains("invalid seq 10 source=/orders/eu-west-1 id=t2: signature mismatch"), run.err());
        assertTrue(err.contains("invalid seq 11 source=/orders/eu-west-1 id=t3: signature mismatch"), run.err());
        assertTrue(err.stream().anyMatch(l -> l.startsWith("invalid seq 13: not a CloudEvent")), run.err());

        // Without the HMAC key, the HMAC-signed event has an unknown key id; the stream is named directly.
        run = new TestConsole(url).run(new VerifyCommand(), "--key-file", ed.publicKey().toString(),
                "--stream", "SIGNED");
        assertEquals("valid=7 invalid=5 unsigned=1", run.out(), run.err());
        assertTrue(run.errLines().contains("invalid seq 8 source=/orders/eu-west-1 id=n: unknown key id \"hmac-it\""),
                run.err());
    }

    @Test
    void aStreamOfValidEventsExitsWithZero() throws Exception {
        createStream("GOOD", "good.>");
        Path hmac = TestKeys.hmac(dir, "good.key");
        EventSink sink = signing(hmac, "hmac-sha256", new JetStreamSink("good.a", true));
        for (int i = 0; i < 50; i++) {
            sink.emit(TestEvents.json("g" + i)).toCompletableFuture().join();
        }
        TestConsole.Run run = new TestConsole(url).run(new VerifyCommand(), "--key-file",
                hmac.toString(), "--stream", "GOOD");
        assertEquals("valid=50 invalid=0 unsigned=0", run.out(), run.err());
        assertEquals(0, run.exit());
        assertEquals("", run.err());
    }

    @Test
    void emptyAndMissingStreams() throws Exception {
        createStream("EMPTY", "empty.>");
        Path hmac = TestKeys.hmac(dir, "empty.key");
        TestConsole.Run run = new TestConsole(url).run(new VerifyCommand(), "--key-file",
                hmac.toString(), "--stream", "EMPTY");
        assertEquals("valid=0 invalid=0 unsigned=0", run.out());
        assertEquals(0, run.exit());

        run = new TestConsole(url).run(new VerifyCommand(), "--key-file", hmac.toString(), "--stream", "NOPE");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("stream NOPE does not exist"), run.err());
    }

    @Test
    void deletedMessagesAreSkippedWithoutWaiting() throws Exception {
        createStream("HOLES", "holes.>");
        Path hmac = TestKeys.hmac(dir, "holes.key");
        EventSink sink = signing(hmac, "hmac-sha256", new JetStreamSink("holes.a", false));
        for (int i = 1; i <= 4; i++) {
            sink.emit(TestEvents.json("h" + i)).toCompletableFuture().join();
        }
        connection.jetStreamManagement().deleteMessage("HOLES", 2);
        connection.jetStreamManagement().deleteMessage("HOLES", 4);
        long start = System.nanoTime();
        TestConsole.Run run = new TestConsole(url).run(new VerifyCommand(), "--key-file",
                hmac.toString(), "--stream", "HOLES");
        assertEquals("valid=2 invalid=0 unsigned=0", run.out(), run.err());
        assertEquals("", run.err());
        assertTrue(System.nanoTime() - start < VerifyCommand.STREAM_IDLE.toNanos(), "did not wait for the idle limit");
    }

    @Test
    void unreachableNatsIsAnErrorWithTheUrlRedacted() {
        Path hmac = TestKeys.hmac(dir, "down.key");
        String down = "nats://alice:s3cret@127.0.0.1:" + NatsServer.freePort();
        TestConsole.Run run = new TestConsole(down).run(new VerifyCommand(), "--key-file",
                hmac.toString(), "--stream", "ANY");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("cannot connect to NATS at nats://***@127.0.0.1"), run.err());
        assertFalse(run.err().contains("s3cret"), run.err());
    }

    @Test
    void verifiesAJsonLinesFileWrittenFromSignedEvents() throws Exception {
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "file-key");
        Path file = dir.resolve("events.jsonl");
        JsonFormat format = new JsonFormat();
        EventSink toFile = signing(ed.privateKey(), "ed25519", event -> {
            try {
                Files.write(file, (new String(format.serialize(event), StandardCharsets.UTF_8) + "\n")
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return CompletableFuture.completedFuture(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (String line : Vectors.lines("events.jsonl")) {
            toFile.emit(NatsEventReader.readStructured(line.getBytes(StandardCharsets.UTF_8)))
                    .toCompletableFuture().join();
        }
        TestConsole.Run run = new TestConsole().run(new VerifyCommand(), "--key-file", ed.publicKey().toString(),
                file.toString());
        assertEquals("valid=9 invalid=0 unsigned=0", run.out(), run.err());
        assertEquals(0, run.exit());
    }

    /** Keeps what it receives. Used from the test thread only. */
    private static final class CapturingSink implements EventSink {
        final List<CloudEvent> events = new java.util.ArrayList<>();

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            events.add(event);
            return CompletableFuture.completedFuture(null);
        }
    }
}
