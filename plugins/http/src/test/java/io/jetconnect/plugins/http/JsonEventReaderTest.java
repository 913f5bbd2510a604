package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming reader against the SDK path it replaced ({@link SdkJsonEventReader}): for every body of
 * {@link ReaderBodies}, the same events (attributes, extensions in the same order, data as the same JSON value) or
 * the same refusal (status, index, message). Then what differs on purpose: data kept as sent.
 */
class JsonEventReaderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The SDK's {@code JsonFormat.dataIsJsonContentType}. */
    private static final Pattern SDK_JSON = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    private static final HttpSourceSettings DEFAULTS = new HttpSourceSettings(4 << 20, 10_000, Duration.ofSeconds(1),
            64);
    /** Small limits, for the batch size and nesting depth checks. */
    private static final HttpSourceSettings SMALL = new HttpSourceSettings(64 << 10, 3, Duration.ofSeconds(1), 10);

    record Outcome(List<CloudEvent> events, RequestRejection refusal) {
    }

    private static Outcome outcome(Function<byte[], List<CloudEvent>> reader, byte[] body) {
        try {
            return new Outcome(reader.apply(body), null);
        } catch (RequestRejection refusal) {
            return new Outcome(null, refusal);
        }
    }

    /** @return the outcome of both readers with these settings, the SDK's first */
    static Outcome[] both(HttpSourceSettings settings, boolean batch, byte[] body) {
        SdkJsonEventReader sdk = new SdkJsonEventReader(settings);
        JsonEventReader streaming = new JsonEventReader(settings);
        return new Outcome[] {
            outcome(batch ? sdk::readBatch : sdk::readStructured, body),
            outcome(batch ? streaming::readBatch : streaming::readStructured, body)};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jetconnect.plugins.http.ReaderBodies#all")
    void readsEveryBodyAsTheSdkDid(String name, boolean batch, byte[] body) throws IOException {
        for (HttpSourceSettings settings : List.of(DEFAULTS, SMALL)) {
            assertSameOutcome(both(settings, batch, body));
        }
    }

    @Test
    void theBodiesGetBothVerdicts() {
        // Guards the differential test against a set of bodies that all pass, or all fail, for one reason.
        long accepted = ReaderBodies.all().filter(arguments -> {
            Object[] a = arguments.get();
            return both(DEFAULTS, (Boolean) a[1], (byte[]) a[2])[0].refusal() == null;
        }).count();
        long all = ReaderBodies.all().count();
        assertTrue(accepted >= 80 && all - accepted >= 200, () -> accepted + " accepted of " + all);
    }

    /**
     * Where the SDK path broke the spec and the streaming reader keeps it (the conformance issue; each has a test
     * below): the SDK refused object or array data of a JSON type its pattern missed ({@code +json} with a dot,
     * upper case) and an empty batch; it accepted an empty {@code subject}, {@code dataschema} or
     * {@code datacontenttype}.
     */
    private static boolean onPurpose(Outcome sdk, Outcome streaming) {
        if (sdk.refusal() != null && streaming.refusal() == null) {
            String message = sdk.refusal().getMessage();
            return message.equals("the batch is empty") || (message.startsWith("Wrong type ")
                    && message.contains(" for attribute data, expecting STRING. Because content type is not a json"));
        }
        return streaming.refusal() != null && streaming.refusal().getMessage().endsWith("must not be empty when present");
    }

    /** @param outcomes the SDK path's outcome, then the streaming reader's */
    static void assertSameOutcome(Outcome... outcomes) throws IOException {
        Outcome sdk = outcomes[0];
        Outcome streaming = outcomes[1];
        if (onPurpose(sdk, streaming)) {
            return;
        }
        if (sdk.refusal() != null) {
            assertNotNull(streaming.refusal(), () -> "the SDK refused (" + sdk.refusal().getMessage()
                    + ") but the streaming reader accepted " + streaming.events());
            assertEquals(sdk.refusal().status(), streaming.refusal().status(), "status");
            assertEquals(sdk.refusal().index(), streaming.refusal().index(), "index");
            assertEquals(sdk.refusal().getMessage(), streaming.refusal().getMessage(), "message");
            return;
        }
        assertNull(streaming.refusal(), () -> "the SDK accepted but the streaming reader refused: "
                + streaming.refusal().getMessage());
        assertEquals(sdk.events().size(), streaming.events().size());
        for (int i = 0; i < sdk.events().size(); i++) {
            assertSameEvent(sdk.events().get(i), streaming.events().get(i));
        }
    }

    private static void assertSameEvent(CloudEvent sdk, CloudEvent streaming) throws IOException {
        assertEquals(sdk.getSpecVersion(), streaming.getSpecVersion());
        assertEquals(sdk.getId(), streaming.getId());
        assertEquals(sdk.getSource(), streaming.getSource());
        assertEquals(sdk.getType(), streaming.getType());
        // The SDK added application/json where a data member had no content type; the sender sent none.
        if (streaming.getDataContentType() != null || !"application/json".equals(sdk.getDataContentType())) {
            assertEquals(sdk.getDataContentType(), streaming.getDataContentType());
        }
        assertEquals(sdk.getDataSchema(), streaming.getDataSchema());
        assertEquals(sdk.getSubject(), streaming.getSubject());
        assertEquals(sdk.getTime(), streaming.getTime());
        // An extension that is JSON null is absent; the SDK stored the string "null" (the JSON format, 3.1).
        List<String> sdkNames = new ArrayList<>(sdk.getExtensionNames());
        sdkNames.removeIf(name -> "null".equals(sdk.getExtension(name)) && streaming.getExtension(name) == null);
        assertEquals(sdkNames, new ArrayList<>(streaming.getExtensionNames()));
        for (String name : sdkNames) {
            Object expected = sdk.getExtension(name);
            assertEquals(expected, streaming.getExtension(name), name);
            assertEquals(expected.getClass(), streaming.getExtension(name).getClass(), name);
        }
        if (sdk.getData() == null) {
            assertNull(streaming.getData());
            return;
        }
        assertInstanceOf(BytesCloudEventData.class, streaming.getData());
        byte[] data = streaming.getData().toBytes();
        if (sdk.getData() instanceof JsonCloudEventData) {
            // The SDK wrote its tree back; the same tree written the same way must give the same bytes.
            assertArrayEquals(sdk.getData().toBytes(), compact(data).getBytes(StandardCharsets.UTF_8),
                    () -> text(data));
        } else if (!Arrays.equals(sdk.getData().toBytes(), data)) {
            // A JSON type the SDK's pattern missed (upper case, a dotted +json): it took the string's text; the
            // JSON value's text is kept, as for every JSON type.
            String type = streaming.getDataContentType();
            assertTrue(type != null && JsonData.declaresJson(type) && !SDK_JSON.matcher(type).matches(), type);
            assertEquals(text(sdk.getData().toBytes()), MAPPER.readTree(data).textValue());
        } else {
            assertArrayEquals(sdk.getData().toBytes(), data);
        }
    }

    // ---- what differs on purpose

    @Test
    void jsonDataIsTheValueAsSentUpToWhitespaceWhereTheSdkWroteItCompactly() {
        String data = "{\n  \"tenantId\" : \"acme\",\t\"items\" : [ 1, 2 ,\r\n 3 ], \"note\" : \"a  b\" }";
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\" :  "
                + data + " , \"x\":\"y\"}");

        Outcome[] outcomes = both(DEFAULTS, false, body);

        assertEquals(data, text(outcomes[1].events().get(0).getData().toBytes()));
        assertEquals(text(outcomes[0].events().get(0).getData().toBytes()),
                text(ReaderBodies.withoutJsonWhitespace(utf8(data))));
    }

    @Test
    void numbersAndEscapesInDataKeepTheirForm() {
        String data = "[1.10, 1E2, 1e400, -0, \"\\u0041\\/\"]";
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data
                + "}");

        Outcome[] outcomes = both(DEFAULTS, false, body);

        assertEquals("[1.1,100.0,\"Infinity\",0,\"A/\"]", text(outcomes[0].events().get(0).getData().toBytes()));
        assertEquals(data, text(outcomes[1].events().get(0).getData().toBytes()));
    }

    @Test
    void scalarDataIsItsWholeToken() {
        for (String data : List.of("42", "-1.5e3", "true", "null", "\"a \\\" b\"", "[]", "{}")) {
            for (String after : List.of("}", " }", ",\"x\":1}", "\n,\"x\":1}")) {
                byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":"
                        + data + after);
                CloudEvent event = new JsonEventReader(DEFAULTS).readStructured(body).get(0);
                assertEquals(data, text(event.getData().toBytes()), () -> text(body));
            }
        }
    }

    @Test
    void aDataBase64ThatIsNoStringIsRefusedSayingSo() {
        for (String value : List.of("null", "5", "{}", "[\"QUJD\"]")) {
            byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                    + "\"data_base64\":" + value + "}");
            Outcome[] outcomes = both(DEFAULTS, false, body);
            assertEquals("malformed JSON", outcomes[0].refusal().getMessage(), value);
            assertEquals(400, outcomes[1].refusal().status(), value);
            assertTrue(outcomes[1].refusal().getMessage().startsWith("Wrong type "), value);
            assertTrue(outcomes[1].refusal().getMessage().contains("attribute data_base64"), value);
        }
    }

    @Test
    void aVersion03DataschemaThatIsAnObjectIsRefusedWhereTheSdkKeptItsText() {
        byte[] body = utf8("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"dataschema\":{\"a\":1}}");

        Outcome[] outcomes = both(DEFAULTS, false, body);

        assertEquals("{\"a\":1}", outcomes[0].events().get(0).getExtension("dataschema"));
        assertEquals(400, outcomes[1].refusal().status());
        assertTrue(outcomes[1].refusal().getMessage().contains("'dataschema' must be a string"));
    }

    // ---- the conformance issue: each of these failed before its fix

    @Test
    void jsonDataWithoutAContentTypeGetsNone() {
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}}");

        CloudEvent event = new JsonEventReader(DEFAULTS).readStructured(body).get(0);

        assertNull(event.getDataContentType(), "datacontenttype is not added: it would change what is signed");
        assertEquals("{\"a\":1}", text(event.getData().toBytes()));
    }

    @Test
    void anExtensionThatIsJsonNullIsAbsent() {
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"gone\":null,"
                + "\"kept\":\"null\"}");

        CloudEvent event = new JsonEventReader(DEFAULTS).readStructured(body).get(0);

        assertNull(event.getExtension("gone"));
        assertFalse(event.getExtensionNames().contains("gone"));
        assertEquals("null", event.getExtension("kept"), "the string \"null\" is a value");
    }

    @Test
    void everyJsonMediaTypeTakesAJsonValueInStructuredAndBatchMode() {
        for (String type : List.of("application/vnd.example+json", "APPLICATION/JSON", "Application/Json; charset=UTF-8",
                "application/ld+json;profile=\"x\"", "TEXT/JSON", "application/x+y+json")) {
            for (String data : List.of("{\"a\": 1}", "[1, 2]", "42", "true")) {
                String event = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                        + "\"datacontenttype\":" + MAPPER.valueToTree(type) + ",\"data\":" + data + "}";
                JsonEventReader reader = new JsonEventReader(DEFAULTS);
                assertEquals(data, text(reader.readStructured(utf8(event)).get(0).getData().toBytes()), type);
                assertEquals(data, text(reader.readBatch(utf8("[" + event + "]")).get(0).getData().toBytes()), type);
            }
        }
    }

    @Test
    void aNonJsonMediaTypeStillTakesOnlyAString() {
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json5\",\"data\":{\"a\":1}}");

        RequestRejection refusal = assertThrows(RequestRejection.class,
                () -> new JsonEventReader(DEFAULTS).readStructured(body));

        assertTrue(refusal.getMessage().startsWith("Wrong type OBJECT for attribute data"), refusal.getMessage());
    }

    @Test
    void base64DataDeclaredJsonIsHeldToWhatJsonDataIs() {
        // {"tenantId":"acme","tenantId":"globex"}: a reader keeping the first and one keeping the last disagree.
        String repeated = java.util.Base64.getEncoder().encodeToString(
                utf8("{\"tenantId\":\"acme\",\"tenantId\":\"globex\"}"));
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data_base64\":\"" + repeated + "\"}");
        RequestRejection refusal = assertThrows(RequestRejection.class,
                () -> new JsonEventReader(DEFAULTS).readStructured(body));
        assertEquals(400, refusal.status());
        assertTrue(refusal.getMessage().startsWith("data_base64: the data is declared JSON"), refusal.getMessage());

        // Bytes that are not declared JSON go through as they are.
        byte[] binary = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"" + repeated + "\"}");
        assertEquals(1, new JsonEventReader(DEFAULTS).readStructured(binary).size());
    }

    @Test
    void anEmptySubjectDataschemaOrContentTypeIsRefused() {
        for (String member : List.of("\"subject\":\"\"", "\"dataschema\":\"\"", "\"datacontenttype\":\"\"")) {
            byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"," + member
                    + "}");
            RequestRejection refusal = assertThrows(RequestRejection.class,
                    () -> new JsonEventReader(DEFAULTS).readStructured(body), member);
            assertEquals(400, refusal.status());
            String name = member.substring(1, member.indexOf('"', 1));
            assertEquals("attribute " + name + " must not be empty when present", refusal.getMessage());
        }
        byte[] schemaurl = utf8("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"schemaurl\":\"\"}");
        assertEquals("attribute schemaurl must not be empty when present", assertThrows(RequestRejection.class,
                () -> new JsonEventReader(DEFAULTS).readStructured(schemaurl)).getMessage());
    }

    @Test
    void anEmptyBatchIsABatchOfNoEvents() {
        for (String body : List.of("[]", " [ ]\n")) {
            assertEquals(List.of(), new JsonEventReader(DEFAULTS).readBatch(utf8(body)));
        }
    }

    @Test
    void eventsOfABatchDoNotShareDataBytes() {
        byte[] body = utf8("[" + ReaderBodies.event("a", "{\"n\":1}") + "," + ReaderBodies.event("b", "{\"n\":2}")
                + "]");

        List<CloudEvent> events = new JsonEventReader(DEFAULTS).readBatch(body);
        java.util.Arrays.fill(body, (byte) ' ');

        assertEquals("{\"n\":1}", text(events.get(0).getData().toBytes()));
        assertEquals("{\"n\":2}", text(events.get(1).getData().toBytes()));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return JSON text as the SDK wrote a tree: parsed by Jackson into one, then written compactly */
    private static String compact(byte[] json) {
        try {
            return MAPPER.readTree(json).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
