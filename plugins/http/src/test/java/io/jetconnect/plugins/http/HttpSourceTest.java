package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressRequest;
import io.jetconnect.spi.IngressResponse;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpSourceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpSource source;
    private TestContexts contexts;

    @AfterEach
    void stopSource() {
        if (source != null) {
            source.stop();
        }
    }

    // ---- helpers

    private IngressHandler start(RecordingSink sink) {
        return start(sink, "");
    }

    private IngressHandler start(RecordingSink sink, String hocon) {
        contexts = TestContexts.of("http").config(hocon);
        PipelineSourceContext context = contexts.source(sink);
        source = new HttpSource();
        source.start(context);
        IngressHandler handler = contexts.ingress();
        assertNotNull(handler, "start registers an ingress handler");
        return handler;
    }

    /** @return the answer to {@code request} of a source that takes requests of 1 KiB at most */
    private IngressResponse answerWithin1KiB(RecordingSink sink, IngressRequest request) {
        return answer(start(sink, "max-request-bytes = 1KiB"), request);
    }

    private static IngressResponse answer(IngressHandler handler, IngressRequest request) {
        try {
            return handler.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static JsonNode json(IngressResponse response) {
        assertEquals("application/json", response.contentType());
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String event(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/orders\",\"type\":\"com.example.created\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"n\":\"" + id + "\"}}";
    }

    private static String batchOf(String... events) {
        return "[" + String.join(",", events) + "]";
    }

    /** A source that emits nothing else answers {@code request} with {@code status} naming event {@code index}. */
    private void assertRefused(IngressRequest request, int status, int index) {
        RecordingSink sink = RecordingSink.completing();
        assertRejected(answer(start(sink), request), status, index);
        assertTrue(sink.events().isEmpty());
    }

    private static void assertRejected(IngressResponse response, int status, int index) {
        JsonNode body = json(response);
        assertEquals(status, response.status(), () -> "answer: " + body);
        assertTrue(body.path("error").isTextual(), () -> "error text in " + body);
        assertEquals(index, body.path("index").asInt(-1), () -> "index in " + body);
    }

    // ---- the three content modes

    @Test
    void structuredEventIsEmittedAndAccepted() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, new TestRequest()
                .header("Content-Type", "Application/CloudEvents+JSON; charset=UTF-8")
                .body(event("e-1")));

        assertEquals(202, response.status());
        assertEquals(1, json(response).path("accepted").asInt());
        assertEquals(1, sink.events().size());
        CloudEvent event = sink.events().get(0);
        assertEquals("e-1", event.getId());
        assertEquals(URI.create("/orders"), event.getSource());
        assertEquals("com.example.created", event.getType());
        assertEquals(SpecVersion.V1, event.getSpecVersion());
        assertEquals("{\"n\":\"e-1\"}", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void batchEmitsEveryEventInOrderFromOneThread() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        String[] events = IntStream.range(0, 50).mapToObj(i -> event("e-" + i)).toArray(String[]::new);

        IngressResponse response = answer(handler, TestRequest.batch(batchOf(events)));

        assertEquals(202, response.status());
        assertEquals(50, json(response).path("accepted").asInt());
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "e-" + i).collect(Collectors.toList()),
                sink.events().stream().map(CloudEvent::getId).collect(Collectors.toList()));
        assertEquals(1, sink.threads().stream().distinct().count());
    }

    @Test
    void binaryModeMapsHeadersToAttributesAndBodyToData() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.binary("text/plain; charset=utf-8", "hello")
                .header("ce-time", "2018-04-05T03:56:24Z")
                .header("ce-subject", "Euro%20%E2%82%AC%20%f0%9f%98%80")
                .header("ce-dataschema", "https://example.com/schema")
                .header("ce-tenant", "\"acme \\\"corp\\\"\"")
                .header("CE-Partition", "7"));

        assertEquals(202, response.status(), () -> json(response).toString());
        CloudEvent event = sink.events().get(0);
        assertEquals("b-1", event.getId());
        assertEquals(URI.create("/test"), event.getSource());
        assertEquals("com.example.binary", event.getType());
        assertEquals("text/plain; charset=utf-8", event.getDataContentType());
        assertEquals("Euro \u20ac \ud83d\ude00", event.getSubject());
        assertEquals(URI.create("https://example.com/schema"), event.getDataSchema());
        assertEquals(2018, event.getTime().getYear());
        assertEquals("acme \"corp\"", event.getExtension("tenant"));
        assertEquals("7", event.getExtension("partition"));
        assertEquals("hello", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void binaryModeWithoutBodyHasNoData() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.binary(null, ""));

        assertEquals(202, response.status());
        assertEquals(null, sink.events().get(0).getData());
        assertEquals(null, sink.events().get(0).getDataContentType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"tenantId\":\"acme\"},\"source\":\"/forged\",\"x\":{", "{\"a\":1", "{\"a\":1} {}",
            "{\"a\":1,\"a\":2}", "not json", "   "})
    void binaryModeRefusesJsonDataThatIsNotOneWellFormedValue(String body) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.binary("application/json; charset=utf-8", body));

        assertRejected(response, 400, 0);
        assertTrue(sink.events().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "[1,2]"})
    void anExtensionThatIsAnObjectOrArrayIsRefused(String value) {
        assertRefused(TestRequest.batch("[{\"specversion\":\"1.0\",\"id\":\"1\","
                + "\"source\":\"/s\",\"type\":\"t\"},{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\","
                + "\"type\":\"t\",\"ext\":" + value + "}]"), 400, 1);
    }

    @Test
    void binaryModeRefusesJsonDataInInvalidUtf8() {
        TestRequest request = TestRequest.binary("application/json", "");
        request.body(new byte[] {'"', (byte) 0xC0, (byte) 0xA0, '"'});
        assertRefused(request, 400, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bom", "utf-16le", "utf-16be"})
    void binaryModeRefusesJsonDataThatJacksonWouldReadAsAnotherEncoding(String encoding) {
        // Jackson skips the mark, or reads UTF-16, and would find one JSON value; stored as they are, these bytes
        // would make the stored event unreadable.
        String json = "{\"tenantId\":\"acme\"}";
        byte[] body = switch (encoding) {
            case "bom" -> ReaderBodies.concat("\ufeff", new byte[0], json);
            case "utf-16le" -> json.getBytes(StandardCharsets.UTF_16LE);
            default -> json.getBytes(StandardCharsets.UTF_16BE);
        };
        assertRefused(TestRequest.binary("application/json", "").body(body), 400, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C0%A0", "%E2%82", "%zz", "abc%4", "\"unterminated", "caf\u00e9"})
    void binaryModeRefusesUndecodableHeaderValues(String subject) {
        assertRefused(TestRequest.binary("text/plain", "x").header("ce-subject", subject), 400, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce-id", "ce-source", "ce-type", "ce-specversion"})
    void binaryModeRefusesMissingOrEmptyRequiredAttributes(String header) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse missing = answer(handler, TestRequest.binary("text/plain", "x").withoutHeader(header));
        IngressResponse empty = answer(handler, TestRequest.binary("text/plain", "x").withoutHeader(header)
                .header(header, ""));

        assertRejected(missing, 400, 0);
        assertRejected(empty, 400, 0);
        assertTrue(sink.events().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce-specversion:0.9", "ce-specversion:2.0", "ce-time:yesterday", "ce-source:http://exa mple.com",
            "ce-datacontenttype:text/plain", "ce-Bad_Name:x"})
    void binaryModeRefusesInvalidAttributes(String header) {
        String name = header.substring(0, header.indexOf(':'));
        String value = header.substring(header.indexOf(':') + 1);
        assertRefused(TestRequest.binary("text/plain", "x").withoutHeader(name)
                .header(name, value), 400, 0);
    }

    // ---- invalid requests: 400 with the index of the event at fault, nothing emitted

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"specversion\":\"1.0\",\"id\":",
        "{\"specversion\":\"1.0\" \"id\":\"1\"}",
        "not json",
        "",
        "null",
        "{\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"0.9\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"2.0\"}",
        "{\"id\":1,\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":{},\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":[\"t\"],\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":1.0}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\",\"time\":5}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\",\"time\":\"noon\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\",\"ext\":1.5}",
        "{\"id\":\"1\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\",\"datacontenttype\":\"text/plain\","
                + "\"data\":{}}",
        "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"} {}"
    })
    void structuredModeRefusesInvalidEvents(String body) {
        assertRefused(TestRequest.structured(body), 400, 0);
    }

    @Test
    void structuredModeRefusesInvalidUtf8() {
        byte[] body = ReaderBodies.concat("{\"specversion\":\"1.0\",\"id\":\"a", new byte[] {(byte) 0xC3, 0x28},
                "\",\"source\":\"/s\",\"type\":\"t\"}");
        assertRefused(new TestRequest().header("Content-Type", "application/cloudevents+json")
                .body(body), 400, 0);
    }

    @Test
    void deepNestingIsRefusedWithoutStackOverflow() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        int depth = 200_000;
        String data = "[".repeat(depth) + "]".repeat(depth);
        String deep = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data + "}";

        assertRejected(answer(handler, TestRequest.structured(deep)), 400, 0);
        assertRejected(answer(handler, TestRequest.batch(batchOf(event("a"), deep))), 400, 1);
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink, "max-nesting-depth = 10");
        // batch array + event object + 8 levels of data = 10
        String data = "[".repeat(8) + "]".repeat(8);
        String event = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data + "}";
        String tooDeep = "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\",\"data\":["
                + data + "]}";

        assertEquals(202, answer(handler, TestRequest.batch(batchOf(event))).status());
        assertRejected(answer(handler, TestRequest.batch(batchOf(tooDeep))), 400, 0);
    }

    @Test
    void batchFaultsNameTheEventAtFault() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        String good = event("ok");

        assertRejected(answer(handler, TestRequest.batch(batchOf(good, good,
                "{\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}"))), 400, 2);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good,
                "{\"id\":\"\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}"))), 400, 1);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good, good, good,
                "{\"id\":7,\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}"))), 400, 3);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good,
                "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"0.9\"}"))), 400, 1);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good, "\"an event\""))), 400, 1);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good, "{\"id\": nope}"))), 400, 1);
        assertRejected(answer(handler, TestRequest.batch("[" + good + "," + good + ",{\"id\":\"x")), 400, 2);
        assertRejected(answer(handler, TestRequest.batch("[" + good + "," + good + ",")), 400, 2);
        assertRejected(answer(handler, TestRequest.batch("[" + good)), 400, 1);
        assertRejected(answer(handler, TestRequest.batch(batchOf(good,
                "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"0.3\"}"))), 400, 1);
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void batchWithInvalidUtf8NamesTheEventAtFault() {
        byte[] body = ReaderBodies.concat("[" + event("a") + "," + event("b") + ",{\"specversion\":\"1.0\",\"id\":\"",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\",\"source\":\"/s\",\"type\":\"t\"}]");
        assertRefused(new TestRequest().header("Content-Type", "application/cloudevents-batch+json")
                .body(body), 400, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", " [ ]\n"})
    void anEmptyBatchIsAcceptedWithNoEvents(String body) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.batch(body));

        assertEquals(202, response.status(), () -> json(response).toString());
        assertEquals("{\"accepted\":0}", new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(sink.events().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce-subject", "ce-dataschema"})
    void binaryModeRefusesAnEmptyOptionalAttribute(String header) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.binary("text/plain", "x").header(header, ""));

        assertRejected(response, 400, 0);
        assertEquals("attribute " + header.substring(3) + " must not be empty when present",
                json(response).path("error").asText());
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void binaryModeRefusesAnEmptyContentTypeWithData() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.binary("", "x"));

        assertRejected(response, 400, 0);
        assertTrue(json(response).path("error").asText().contains("datacontenttype must not be empty"));
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void binaryModeWithoutContentTypeKeepsAnyBodyAsOpaqueBytesAndAddsNoContentType() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        String forged = "1,\"source\":\"/evil\",\"type\":\"evil.type\",\"admin\":true";

        IngressResponse response = answer(handler, TestRequest.binary("text/plain", forged)
                .withoutHeader("content-type"));

        assertEquals(202, response.status(), () -> json(response).toString());
        CloudEvent event = sink.events().get(0);
        assertNull(event.getDataContentType());
        assertEquals(URI.create("/test"), event.getSource());
        assertEquals(forged, new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.example+json", "APPLICATION/JSON", "application/json; charset=UTF-8"})
    void structuredAndBatchModeTakeObjectDataOfEveryJsonType(String type) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        String event = "{\"specversion\":\"1.0\",\"id\":\"j\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"" + type + "\",\"data\":{\"a\":[1]}}";

        IngressResponse structured = answer(handler, TestRequest.structured(event));
        IngressResponse batch = answer(handler, TestRequest.batch("[" + event + "]"));

        assertEquals(202, structured.status(), () -> json(structured).toString());
        assertEquals(202, batch.status(), () -> json(batch).toString());
        assertEquals(2, sink.events().size());
        for (CloudEvent stored : sink.events()) {
            assertEquals("{\"a\":[1]}", new String(stored.getData().toBytes(), StandardCharsets.UTF_8));
            assertEquals(type, stored.getDataContentType());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "\"events\"", "", "[1,2]"})
    void batchMustBeAnArrayOfObjects(String body) {
        assertRefused(TestRequest.batch(body), 400, 0);
    }

    @Test
    void errorMessagesAreCapped() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        String secretish = "x".repeat(10_000);
        String body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"" + " " + secretish
                + "\",\"type\":\"t\",\"" + secretish + "\":1.5}";

        IngressResponse response = answer(handler, TestRequest.structured(body));

        assertRejected(response, 400, 0);
        assertTrue(json(response).path("error").asText().length() <= Replies.MAX_ERROR_CHARS);
        assertTrue(response.body().length < 400);
    }

    // ---- limits and media types

    @Test
    void declaredLengthOverTheLimitIsRefusedUnread() {
        AtomicLong read = new AtomicLong();
        IngressResponse response = answerWithin1KiB(RecordingSink.completing(), new TestRequest()
                .header("Content-Type", "application/cloudevents+json").declaredLength(1025, endless(read)));

        assertEquals(413, response.status());
        assertTrue(json(response).path("error").isTextual());
        assertEquals(0, read.get());
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileReading() {
        RecordingSink sink = RecordingSink.completing();
        AtomicLong read = new AtomicLong();
        IngressResponse response = answerWithin1KiB(sink, new TestRequest()
                .header("Content-Type", "application/cloudevents-batch+json").chunked(endless(read)));

        assertEquals(413, response.status());
        assertTrue(read.get() <= 1025, () -> "read " + read.get() + " bytes");
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void chunkedBodyWithinTheLimitIsAccepted() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);
        byte[] body = batchOf(event("a"), event("b")).getBytes(StandardCharsets.UTF_8);

        IngressResponse response = answer(handler, new TestRequest()
                .header("Content-Type", "application/cloudevents-batch+json")
                .chunked(new java.io.ByteArrayInputStream(body)));

        assertEquals(202, response.status());
        assertEquals(2, sink.events().size());
    }

    @Test
    void batchOverTheEventLimitIsRefused() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink, "max-events-per-request = 3");

        assertEquals(202, answer(handler, TestRequest.batch(batchOf(event("a"), event("b"), event("c")))).status());
        IngressResponse response = answer(handler, TestRequest.batch(
                batchOf(event("a"), event("b"), event("c"), event("d"))));

        assertEquals(413, response.status());
        assertEquals(3, sink.events().size());
    }

    @Test
    void bodyShorterThanDeclaredIsRefused() {
        byte[] body = event("a").getBytes(StandardCharsets.UTF_8);
        assertRefused(new TestRequest()
                .header("Content-Type", "application/cloudevents+json")
                .declaredLength(body.length + 10, new java.io.ByteArrayInputStream(body)), 400, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json", "application/cloudevents+avro",
            "application/cloudevents-batch+protobuf", "application/cloudevents+json; charset=iso-8859-1"})
    void bodiesThatAreNoCloudEventsAreUnsupported(String contentType) {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, new TestRequest().header("Content-Type", contentType)
                .body(event("a")));

        assertEquals(415, response.status());
        assertTrue(json(response).path("error").isTextual());
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void requestWithoutContentTypeOrCeHeadersIsUnsupported() {
        IngressHandler handler = start(RecordingSink.completing());

        assertEquals(415, answer(handler, new TestRequest().body(event("a"))).status());
    }

    // ---- outcomes of the chain

    @Test
    void answersOnlyAfterEveryStageCompleted() {
        RecordingSink sink = RecordingSink.manual();
        IngressHandler handler = start(sink);

        CompletableFuture<IngressResponse> answer = handler.handle(
                TestRequest.batch(batchOf(event("a"), event("b"), event("c")))).toCompletableFuture();

        assertEquals(3, sink.events().size(), "all events are emitted before any stage completes");
        assertFalse(answer.isDone());
        sink.stages().get(2).complete(null);
        sink.stages().get(0).complete(null);
        assertFalse(answer.isDone());
        sink.stages().get(1).complete(null);
        assertTrue(answer.isDone());
        IngressResponse response = answer.join();
        assertEquals(202, response.status());
        assertEquals(3, json(response).path("accepted").asInt());
    }

    @Test
    void backpressureGives503WithItsRetryAfter() {
        RecordingSink sink = RecordingSink.failing(
                i -> i == 1 ? new BackpressureException("spill log full", Duration.ofMillis(2500)) : null);
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.batch(batchOf(event("a"), event("b"), event("c"))));

        assertEquals(503, response.status());
        assertEquals("3", response.headers().get("Retry-After"));
        assertTrue(json(response).path("error").asText().contains("spill log full"));
        assertEquals(3, sink.events().size());
    }

    @Test
    void aFailureWrappedByTheChainIsReadInsideItsWrappers() {
        RecordingSink sink = RecordingSink.failing(i -> switch (i) {
            case 0 -> new java.util.concurrent.CompletionException(new java.util.concurrent.ExecutionException(
                    new BackpressureException("spill log full", Duration.ofMillis(4500))));
            default -> null;
        });
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.batch(batchOf(event("a"), event("b"))));

        assertEquals(503, response.status(), "backpressure, not an unexpected failure");
        assertEquals("5", response.headers().get("Retry-After"));
        assertTrue(json(response).path("error").asText().contains("spill log full"));
    }

    @Test
    void retriableFailureGives503WithTheConfiguredRetryAfter() {
        RecordingSink sink = RecordingSink.failing(i -> new RetriableException("broker unreachable"));
        IngressHandler handler = start(sink, "retry-after = 4s");

        IngressResponse response = answer(handler, TestRequest.structured(event("a")));

        assertEquals(503, response.status());
        assertEquals("4", response.headers().get("Retry-After"));
        assertTrue(json(response).path("error").isTextual());
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        RecordingSink sink = RecordingSink.failing(i -> new BackpressureException("circuit open", Duration.ZERO));
        IngressHandler handler = start(sink);

        assertEquals("1", answer(handler, TestRequest.structured(event("a"))).headers().get("Retry-After"));
    }

    @Test
    void permanentFailureGives422WithTheFirstFailingIndex() {
        RecordingSink sink = RecordingSink.failing(i -> i == 2 ? new JetconnectException("invalid tenant id")
                : i == 3 ? new JetconnectException("another") : i == 1 ? new RetriableException("later") : null);
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.batch(
                batchOf(event("a"), event("b"), event("c"), event("d"))));

        assertRejected(response, 422, 2);
        assertTrue(json(response).path("error").asText().contains("invalid tenant id"));
    }

    @Test
    void unexpectedFailureGives500WithoutDetails() {
        RecordingSink sink = RecordingSink.failing(i -> new IllegalStateException("secret=hunter2"));
        IngressHandler handler = start(sink);

        IngressResponse response = answer(handler, TestRequest.structured(event("a")));

        assertEquals(500, response.status());
        assertEquals("internal error", json(response).path("error").asText());
    }

    @Test
    void sinkThatThrowsInEmitGives500() {
        contexts = TestContexts.of("http");
        source = new HttpSource();
        source.start(contexts.source(event -> {
            throw new IllegalStateException("boom");
        }));

        IngressResponse response = answer(contexts.ingress(), TestRequest.structured(event("a")));

        assertEquals(500, response.status());
    }

    @Test
    void bodyThatFailsToReadNeverEscapesTheHandler() {
        IngressHandler handler = start(RecordingSink.completing());
        InputStream broken = new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("connection reset");
            }
        };

        IngressResponse response = answer(handler, new TestRequest()
                .header("Content-Type", "application/cloudevents+json").chunked(broken));

        assertEquals(500, response.status());
        assertEquals("internal error", json(response).path("error").asText());
    }

    // ---- lifecycle and metrics

    @Test
    void afterStopNewRequestsGet503AndInFlightOnesComplete() {
        RecordingSink sink = RecordingSink.manual();
        IngressHandler handler = start(sink, "retry-after = 2s");
        CompletableFuture<IngressResponse> inFlight = handler.handle(TestRequest.structured(event("a")))
                .toCompletableFuture();

        source.stop();
        IngressResponse refused = answer(handler, TestRequest.structured(event("b")));
        sink.stages().get(0).complete(null);

        assertEquals(503, refused.status());
        assertEquals("2", refused.headers().get("Retry-After"));
        assertEquals(1, sink.events().size());
        assertEquals(202, inFlight.join().status());
    }

    @Test
    void metricsCountHandledEventsAndAnswersByStatus() {
        RecordingSink sink = RecordingSink.completing();
        IngressHandler handler = start(sink);

        answer(handler, TestRequest.batch(batchOf(event("a"), event("b"), event("c"))));
        answer(handler, TestRequest.structured(event("d")));
        answer(handler, TestRequest.structured("{"));

        String scrape = contexts.registry().scrape();
        assertTrue(scrape.contains("jetconnect_source_events_total{pipeline=\"test\",source=\"http\"} 4.0"), scrape);
        assertTrue(scrape.contains("jetconnect_http_requests_total{pipeline=\"test\",status=\"202\"} 2.0"), scrape);
        assertTrue(scrape.contains("jetconnect_http_requests_total{pipeline=\"test\",status=\"400\"} 1.0"), scrape);
    }

    @Test
    void invalidSettingsAreRefusedAtStart() {
        contexts = TestContexts.of("http").config("max-events-per-request = 0");
        HttpSource invalid = new HttpSource();
        PipelineSourceContext context = contexts.source(RecordingSink.completing());

        io.jetconnect.spi.ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.jetconnect.spi.ConfigurationException.class, () -> invalid.start(context));
        assertTrue(e.getMessage().contains("max-events-per-request"), e.getMessage());
    }

    /** @return a stream of '[' that never ends, counting what is read */
    private static InputStream endless(AtomicLong read) {
        return new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return '[';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) '[');
                read.addAndGet(len);
                return len;
            }
        };
    }
}
