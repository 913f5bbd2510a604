package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.runtime.config.BlockChecker;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.SampleEvents;
import io.jetconnect.testing.Concurrently;
import io.jetconnect.testing.EventAssertions;
import io.jetconnect.testing.TestContexts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RedactDecoratorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY_TEXT = "k3y-material-never-to-be-logged-0123456789";

    @TempDir
    Path dir;

    private TestContexts contexts;
    private final RecordingSink next = new RecordingSink();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger pluginLogger = (Logger) LoggerFactory.getLogger("io.jetconnect.plugins.redact");

    @BeforeEach
    void captureLogs() {
        logs.start();
        pluginLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        pluginLogger.detachAppender(logs);
    }

    private EventSink layer(String hocon) {
        contexts = TestContexts.of("redact").config(hocon).dataDir(dir);
        return new RedactDecorator().decorate(contexts.sink(), next);
    }

    private static CloudEventBuilder base() {
        return SampleEvents.builder("e-1");
    }

    private static CloudEvent json(String data) {
        return base().withData("application/json", bytes(data)).build();
    }

    private static byte[] bytes(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode data(CloudEvent event) throws Exception {
        return MAPPER.readTree(event.getData().toBytes());
    }

    /** Passes JSON data (single quotes for double) through the layer and checks the data that comes out. */
    private void assertRedacted(EventSink layer, String in, String expected) throws Exception {
        assertEquals(MAPPER.readTree(bytes(expected)), data(pass(layer, json(in))));
    }

    private CloudEvent pass(EventSink layer, CloudEvent event) throws Exception {
        layer.emit(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        return next.events.get(next.events.size() - 1);
    }

    private double metric(String series) {
        String scrape = contexts.registry().scrape();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in\n" + scrape);
    }

    private String logText() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    }

    private Path keyFile(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    @Test
    void redactsNestedFieldsAndCountsValues() throws Exception {
        EventSink layer = layer("");
        assertRedacted(layer, "{'order':{'id':7,'Payment':[{'card':'4111','API_KEY':'k'}]},"
                + "'auth':{'Authorization':'Basic dTpw','cookie':['a','b']},'note':'ok'}",
                "{'order':{'id':7,'Payment':[{'card':'4111','API_KEY':'[REDACTED]'}]},"
                + "'auth':{'Authorization':'[REDACTED]','cookie':'[REDACTED]'},'note':'ok'}");
        assertEquals(3.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
        pass(layer, json("{'password':'x','token':'y'}"));
        assertEquals(5.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void keepsEveryOtherAttribute() throws Exception {
        CloudEvent in = base().withSubject("sub").withTime(java.time.OffsetDateTime.parse("2024-01-02T03:04:05Z"))
                .withDataSchema(URI.create("https://schemas.example/order"))
                .withData("application/json; charset=utf-8", bytes("{'secret':'s'}"))
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withExtension("sequence", 42)
                .build();
        CloudEvent out = pass(layer(""), in);
        EventAssertions.assertSameAttributes(in, out);
        assertEquals(42, out.getExtension("sequence"));
        assertEquals("[REDACTED]", data(out).get("secret").textValue());
    }

    @Test
    void configuredFieldsReplaceTheDefaults() throws Exception {
        assertRedacted(layer("fields = [ssn, \"Card-Number\"], patterns = []"),
                "{'SSN':'1','card_number':'2','cardNumber':'3','password':'kept'}",
                "{'SSN':'[REDACTED]','card_number':'[REDACTED]','cardNumber':'[REDACTED]','password':'kept'}");
    }

    @Test
    void jsonPointerPaths() throws Exception {
        assertRedacted(layer("paths = [\"/user/ssn\", \"/a~1b\", \"/m~0n\", \"/items/1\", \"/items/0/pin\"]"),
                "{'user':{'ssn':'123','name':'ann'},'a/b':1,'m~n':2,'items':[{'pin':1234,'sku':'x'},{'whole':'item'},"
                + "'keep']}", "{'user':{'ssn':'[REDACTED]','name':'ann'},'a/b':'[REDACTED]','m~n':'[REDACTED]',"
                + "'items':[{'pin':'[REDACTED]','sku':'x'},'[REDACTED]','keep']}");
        assertEquals(5.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void everyDefaultPatternInData() throws Exception {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\nAAAA==\\n-----END RSA PRIVATE KEY-----";
        assertRedacted(layer(""), "{'headers':'Authorization: Bearer abc.def','id_token':"
                + "'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln','aws':'id AKIAIOSFODNN7EXAMPLE',"
                + "'tls':'before\\n" + pem + "\\nafter','dsn':'mysql://root:pw@db:3306/app'}",
                "{'headers':'Authorization: Bearer [REDACTED]','id_token':"
                + "'[REDACTED]','aws':'id [REDACTED]','tls':'before\\n[REDACTED]\\nafter',"
                + "'dsn':'mysql://[REDACTED]@db:3306/app'}");
        assertEquals(5.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void extensionAttributesByNameAndByPattern() throws Exception {
        CloudEvent in = CloudEventBuilder.v1()
                .withId("Bearer abcdef123456")
                .withSource(URI.create("https://u:pw@src.example.com/x"))
                .withType("AKIAIOSFODNN7EXAMPLE")
                .withExtension("token", "abc")
                .withExtension("apikey", 42)
                .withExtension("callback", URI.create("https://u:pw@hooks.example.com/x"))
                .withExtension("note", "sent with Bearer abcdef")
                .withExtension("plain", "nothing here")
                .withExtension("flag", true)
                .build();
        CloudEvent out = pass(layer(""), in);
        assertEquals("[REDACTED]", out.getExtension("token"));
        assertEquals("[REDACTED]", out.getExtension("apikey"));
        assertEquals("https://[REDACTED]@hooks.example.com/x", out.getExtension("callback"));
        assertEquals("sent with Bearer [REDACTED]", out.getExtension("note"));
        assertEquals("nothing here", out.getExtension("plain"));
        assertEquals(true, out.getExtension("flag"));
        // The required attributes are never touched.
        assertEquals(in.getId(), out.getId());
        assertEquals(in.getSource(), out.getSource());
        assertEquals(in.getType(), out.getType());
        assertNull(out.getData());
        assertEquals(4.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void nothingToRedactPassesTheSameInstance() throws Exception {
        EventSink layer = layer("");
        CloudEvent clean = base().withData("application/json", bytes("{'a':[1,{'b':'c'}],'password':null}"))
                .withExtension("plain", "x").build();
        assertSame(clean, pass(layer, clean));
        CloudEvent empty = base().build();
        assertSame(empty, pass(layer, empty));
        CloudEvent redacted = pass(layer, json("{'password':'p'}"));
        assertSame(redacted, pass(layer, redacted), "redacting twice changes nothing more");
        assertEquals(1.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void innerStageIsPassedThroughAndInnerSinkStaysOpen() {
        EventSink layer = layer("");
        CompletableFuture<Void> failed = CompletableFuture.failedFuture(new RetriableException("broker gone"));
        next.outcome = failed;
        assertSame(failed, layer.emit(json("{'password':'p'}")));
        layer.close();
        assertFalse(next.closed);
    }

    @Test
    void nonJsonDataPassesThroughAndIsCounted() throws Exception {
        EventSink layer = layer("");
        CloudEvent text = base().withData("text/plain", "password=hunter2".getBytes(StandardCharsets.UTF_8)).build();
        assertSame(text, pass(layer, text));
        CloudEvent untyped = base().withData("Bearer hunter2".getBytes(StandardCharsets.UTF_8)).build();
        assertSame(untyped, pass(layer, untyped));
        assertEquals(2.0, metric("jetconnect_redact_skipped_total{pipeline=\"test\",reason=\"non-json\"}"));
        assertEquals(0.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void untypedDataThatLooksLikeJsonIsRedacted() throws Exception {
        CloudEvent in = base().withData(bytes("{'token':'t'}")).build();
        CloudEvent out = pass(layer(""), in);
        assertEquals("[REDACTED]", data(out).get("token").textValue());
        assertNull(out.getDataContentType());
        assertEquals(0.0, metric("jetconnect_redact_skipped_total{pipeline=\"test\",reason=\"non-json\"}"));
    }

    @Test
    void malformedJsonFailsPermanentlyWithoutLeaking() throws Exception {
        EventSink layer = layer("");
        CompletionStage<Void> stage = layer.emit(json("{'password': hunter2}"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
        JetconnectException cause = assertInstanceOf(JetconnectException.class, e.getCause());
        assertFalse(cause instanceof RetriableException);
        assertTrue(cause.getMessage().contains("e-1"), cause.getMessage());
        assertFalse(cause.getMessage().contains("hunter2"), cause.getMessage());
        assertNull(cause.getCause());
        assertTrue(next.events.isEmpty(), "nothing reaches the next sink");
        assertThrows(ExecutionException.class, () -> layer.emit(json("{'a':1} {'token':'hunter2'}"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(2.0, metric("jetconnect_redact_rejected_total{pipeline=\"test\",reason=\"malformed\"}"));
        assertEquals(0.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void hashKeyFileMakesValuesCorrelatable() throws Exception {
        Path key = keyFile("key", KEY_TEXT + "\n");
        EventSink layer = layer("hash-key-file = \"" + key + "\"");
        String first = data(pass(layer, json("{'password':'hunter2','other':{'PASSWORD':'hunter2'}}")))
                .get("password").textValue();
        JsonNode second = data(pass(layer, json("{'user':{'password':'hunter2'},'token':'x'}")));
        assertTrue(first.matches("hmac-sha256:[0-9a-f]{64}"), first);
        assertEquals(first, second.get("user").get("password").textValue());
        assertNotEquals(first, second.get("token").textValue());
        assertEquals(Mask.hmac(KEY_TEXT.getBytes(StandardCharsets.UTF_8)).apply("hunter2"), first);

        Path otherKey = keyFile("other", "a-different-key-of-enough-bytes");
        EventSink other = layer("hash-key-file = \"" + otherKey + "\"");
        String third = data(pass(other, json("{'password':'hunter2'}"))).get("password").textValue();
        assertNotEquals(first, third);

        assertFalse(layer.toString().contains(KEY_TEXT), layer.toString());
        assertFalse(logText().contains(KEY_TEXT), logText());
        assertTrue(logText().contains("HMAC-SHA256"), logText());
    }

    @Test
    void keyFileReadableByOthersWarns() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path key = keyFile("key", KEY_TEXT);
        layer("hash-key-file = \"" + key + "\"");
        assertFalse(logText().contains("readable by group or others"), logText());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        layer("hash-key-file = \"" + key + "\"");
        List<ILoggingEvent> warnings = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            if (event.getLevel() == ch.qos.logback.classic.Level.WARN) {
                warnings.add(event);
            }
        }
        assertEquals(1, warnings.size(), logText());
        assertTrue(warnings.get(0).getFormattedMessage().contains(key.toString()));
        assertFalse(logText().contains(KEY_TEXT));
    }

    @Test
    void concurrentEmitsAreIndependent() throws Exception {
        EventSink layer = layer("hash-key-file = \"" + keyFile("key", KEY_TEXT) + "\"");
        Mask expected = Mask.hmac(KEY_TEXT.getBytes(StandardCharsets.UTF_8));
        Concurrently.run(4, 250, (thread, i) -> layer.emit(json("{'n':" + i + ",'secret':'s-" + thread + "-" + i
                + "'}")).toCompletableFuture().join());
        assertEquals(1000, next.events.size());
        Set<String> hashes = new java.util.HashSet<>();
        for (CloudEvent e : next.events) {
            hashes.add(data(e).get("secret").textValue());
        }
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 250; i++) {
                assertTrue(hashes.contains(expected.apply("s-" + t + "-" + i)));
            }
        }
        assertEquals(1000.0, metric("jetconnect_redact_values_total{pipeline=\"test\"}"));
    }

    @Test
    void invalidConfigurationNamesTheKey() throws Exception {
        assertInvalid("patterns = [\"(unclosed\"]", "patterns", "entry 0 is not a valid regular expression");
        assertInvalid("patterns = [\".*\"]", "patterns", "matches the empty string");
        assertInvalid("paths = [\"user/ssn\"]", "paths", "entry 0 ('user/ssn') is not a JSON Pointer");
        assertInvalid("paths = [\"/ok\", \"/a~2b\"]", "paths", "'~' at index 2");
        assertInvalid("fields = [password, \"_\"]", "fields", "entry 1");
        assertInvalid("hash-key-file = \"" + dir.resolve("missing") + "\"", "hash-key-file", "does not exist");
        assertInvalid("hash-key-file = \"\"", "hash-key-file", "is empty");
        Path shortKey = keyFile("short", "short-secret");
        String message = assertInvalid("hash-key-file = \"" + shortKey + "\"", "hash-key-file", "at least 16");
        assertFalse(message.contains("short-secret"), message);
    }

    private String assertInvalid(String hocon, String key, String problem) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> layer(hocon), hocon);
        assertTrue(e.getMessage().contains("Invalid value at 'jetconnect.pipelines.test.sinks[0]." + key + "'"),
                e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        return e.getMessage();
    }

    @Test
    void declaresThatItRedactsAndChangesEvents() {
        DecoratorTraits traits = RedactDecorator.class.getAnnotation(DecoratorTraits.class);
        assertTrue(traits.redacts());
        assertTrue(traits.changesEvents());
        assertFalse(traits.persists());
        assertFalse(traits.signs());
        assertEquals("redact", RedactDecorator.class.getAnnotation(io.jetconnect.spi.TypeName.class).value());
    }

    @Test
    void referenceConfDocumentsEveryKeyAndAcceptsTypicalBlocks() {
        Config reference = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf")
                .getConfig("redact");
        for (String key : reference.root().keySet()) {
            assertFalse(reference.root().get(key).origin().comments().isEmpty(), key + " has no comment");
        }
        assertEquals(Set.of("fields", "paths", "patterns", "replacement", "hash-key-file"), reference.root().keySet());
        assertEquals(List.of(), BlockChecker.check(ConfigFactory.parseString(
                "type = redact, hash-key-file = \"/etc/k\", paths = [\"/a\"], fields = [x]"), reference, "s",
                Set.of("type")));
        List<String> typo = BlockChecker.check(ConfigFactory.parseString("field = [x]"), reference, "s", Set.of());
        assertEquals(1, typo.size(), typo.toString());
        assertTrue(typo.get(0).contains("did you mean 'fields'"), typo.get(0));
    }
}
