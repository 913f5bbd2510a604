package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import io.jetconnect.plugins.http.HttpSource;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressResponse;
import io.jetconnect.testing.TestContexts;
import io.jetconnect.nats.DataMember;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stored form is what was sent, whatever is sent: seeded random requests in every mode of the HTTP binding
 * ({@link RandomRequests}: arbitrary bytes and content types, attributes full of characters JSON escapes) go through
 * the real http source, and each event it emits is written as the jetstream sink writes it in structured mode. Every
 * request either is accepted and each event is stored with exactly its attributes and data, or, only when the data
 * is declared JSON and is not one JSON value, refused with a 400. The stored document must parse (Jackson, repeated
 * names refused; the SDK's {@link JsonFormat}) to the sent attributes and data, and read by the http source again to
 * the same event: no byte of data can become a member. Set {@code -Djetconnect.seed=N} to replay another sequence.
 */
class IngestToStoragePropertyTest {

    private static final long SEED = Long.getLong("jetconnect.seed", 20_261_207L);
    private static final int CASES = 4_000;
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final JsonFormat SDK = new JsonFormat(JsonFormatOptions.builder()
            .disableDataContentTypeDefaulting(true).build());

    private static final java.util.Set<String> DATA_MEMBERS = java.util.Set.of("data", "data_base64",
            "datacontentencoding");
    /** {@code JsonFormat.dataIsJsonContentType}: JSON data of other types the SDK cannot read (the bug). */
    private static final java.util.regex.Pattern SDK_JSON =
            java.util.regex.Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");

    private final List<CloudEvent> emitted = new ArrayList<>();
    private final EventEncoder encoder = new EventEncoder(false);
    private HttpSource source;
    private IngressHandler handler;

    @BeforeEach
    void startTheSource() {
        TestContexts contexts = TestContexts.of("http").config("");
        source = new HttpSource();
        source.start(contexts.source(new EventSink() {
            @Override
            public CompletionStage<Void> emit(CloudEvent event) {
                emitted.add(event);
                return CompletableFuture.completedFuture(null);
            }
        }));
        handler = contexts.ingress();
    }

    @AfterEach
    void stopTheSource() {
        source.stop();
    }

    @Test
    void everyRequestIsStoredExactlyAsSentOrRefusedForItsDeclaredJson() throws Exception {
        RandomRequests requests = new RandomRequests(SEED);
        int accepted = 0;
        int stored = 0;
        for (int i = 0; i < CASES; i++) {
            RandomRequests.Sent sent = requests.next();
            String at = "case " + i + " (seed " + SEED + ", " + sent.mode() + "): " + sent.description();
            emitted.clear();
            IngressResponse response = handle(sent.request());
            boolean refusable = sent.events().stream()
                    .anyMatch(e -> (sent.mode() == RandomRequests.Mode.BINARY || e.base64()) && refusable(e));
            if (response.status() != 202) {
                assertTrue(refusable && response.status() == 400, () -> at + " answered " + response.status() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
                assertTrue(emitted.isEmpty(), at);
                continue;
            }
            assertFalse(refusable, () -> at + ": declared-JSON data that is not one JSON value was accepted");
            accepted++;
            assertEquals(sent.events().size(), emitted.size(), at);
            for (int e = 0; e < emitted.size(); e++) {
                RandomRequests.SentEvent expected = sent.events().get(e);
                CloudEvent event = emitted.get(e);
                String where = at + " event " + e;
                assertEquals(expected.attributes(), attributes(event), where);
                assertArrayEquals(expected.data(), event.getData() == null ? null : event.getData().toBytes(), where);
                assertStored(expected, encoder.body(event), where);
                stored++;
            }
        }
        // Guards the generator: most requests must be valid, and every mode must store events.
        assertTrue(accepted > CASES * 3 / 4 && stored > CASES / 2, accepted + " accepted, " + stored + " stored");
    }

    private void assertStored(RandomRequests.SentEvent expected, byte[] stored, String where) throws Exception {
        String text = new String(stored, StandardCharsets.UTF_8);
        String context = where + "\nstored: " + text;
        JsonNode document = STRICT.readTree(stored);
        assertDocument(expected, document, context);

        boolean jsonValue = document.has("data") && !document.has("datacontentencoding");
        String type = expected.contentType();
        if (!jsonValue || type == null || SDK_JSON.matcher(type).matches()) {
            CloudEvent sdk = SDK.deserialize(stored);
            assertEquals(expected.attributes(), attributes(sdk), context);
            if (expected.data() == null) {
                assertNull(sdk.getData(), context);
            } else if (jsonValue) {
                assertEquals(STRICT.readTree(expected.data()), STRICT.readTree(sdk.getData().toBytes()), context);
            } else {
                assertArrayEquals(expected.data(), sdk.getData().toBytes(), context);
            }
        }

        emitted.clear();
        IngressResponse again = handle(new RandomRequests.Request(
                Map.of("content-type", List.of("application/cloudevents+json")), stored));
        assertEquals(202, again.status(), () -> context + "\nread again: "
                + new String(again.body(), StandardCharsets.UTF_8));
        CloudEvent read = emitted.get(0);
        assertEquals(expected.attributes(), attributes(read), context);
        byte[] data = read.getData() == null ? null : read.getData().toBytes();
        assertArrayEquals(expected.data(), data, context); // byte for byte, whitespace included
    }

    /** The members: the sent attributes and one data member of the right form, nothing else. */
    private static void assertDocument(RandomRequests.SentEvent expected, JsonNode document, String context)
            throws IOException {
        Map<String, Object> members = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            JsonNode value = member.getValue();
            if (!DATA_MEMBERS.contains(member.getKey())) {
                members.put(member.getKey(), value.isInt() ? (Object) value.intValue()
                        : value.isBoolean() ? (Object) value.booleanValue() : value.textValue());
            }
        }
        assertEquals(new TreeMap<>(expected.attributes()), members, context);
        byte[] data = expected.data();
        if (data == null) {
            assertFalse(document.has("data") || document.has("data_base64"), context);
        } else if (document.has("data_base64")) {
            assertArrayEquals(data, document.get("data_base64").binaryValue(), context);
        } else if (document.has("datacontentencoding")) {
            assertEquals("base64", document.get("datacontentencoding").textValue(), context);
            assertArrayEquals(data, Base64.getDecoder().decode(document.get("data").textValue()), context);
        } else {
            String type = expected.contentType();
            assertTrue(type == null || DataMember.declaresJson(type), () -> context + ": undeclared JSON kept");
            assertTrue(validJson(data), () -> context + ": data that is no JSON value written as one");
            assertTrue(data[0] > ' ' && data[data.length - 1] > ' ',
                    () -> context + ": data with whitespace around written as a JSON value (the whitespace is lost)");
            assertEquals(STRICT.readTree(data), document.get("data"), context);
        }
    }

    private IngressResponse handle(RandomRequests.Request request) throws Exception {
        return handler.handle(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** @return the event's attributes by name, as the JSON format types them (times and URIs as strings) */
    private static Map<String, Object> attributes(CloudEvent event) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String name : event.getAttributeNames()) {
            Object value = event.getAttribute(name);
            if (value != null) {
                attributes.put(name, value.toString());
            }
        }
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            attributes.put(name, value instanceof Integer || value instanceof Boolean ? value : value.toString());
        }
        return new TreeMap<>(attributes);
    }

    /**
     * Binary mode and base64 data (data_base64, or 0.3's base64 data): data declared JSON must be one JSON value, or
     * the source refuses the request.
     */
    private static boolean refusable(RandomRequests.SentEvent event) {
        String type = event.contentType();
        return type != null && event.data() != null && DataMember.declaresJson(type) && !validJson(event.data());
    }

    /** The oracle, written apart from the code under test: strict UTF-8, one JSON value, no repeated names. */
    private static boolean validJson(byte[] data) {
        if (data.length == 0 || data[0] == (byte) 0xEF || data[0] == 0 || (data.length > 1 && data[1] == 0)) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data));
            try (JsonParser parser = STRICT.getFactory().createParser(data)) {
                parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                if (parser.nextToken() == null) {
                    return false;
                }
                parser.skipChildren();
                return parser.nextToken() == null;
            }
        } catch (CharacterCodingException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
