package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The one-pass read against the SDK's, on seeded random documents (members in any order, valid and invalid
 * attributes, every kind of data): wherever the fast path answers, the SDK's path gives the same event.
 */
class StructuredFastPathTest {

    private static final long SEED = 0x5eed_18L;
    private static final String[] CONTENT_TYPES = {null, "application/json", "text/json", "application/cloud+json",
        "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.acme.order+json", "text/plain",
        "application/octet-stream"};
    private static final String[] DATA = {null, "{\"a\": 1, \"b\": [true, null, \"x\"]}", "[1, 2,3]", "1.50", "true",
        "null", "\"h\\u00e9llo \\\"q\\\"\"", "\"ü\"", "{}", "{\"data\":{\"data\":2}}"};
    private static final String[] TIMES = {"2025-01-31T12:00:00Z", "2025-01-31T12:00:00.123+01:00", "yesterday"};

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String member(String name, String jsonValue) {
        return "\"" + name + "\":" + jsonValue;
    }

    private static String string(String text) {
        return "\"" + text + "\"";
    }

    /** @return a document of random members, most of them an event, some not */
    private static String document(Random random) {
        List<String> members = new ArrayList<>();
        members.add(member("specversion", random.nextInt(10) == 0 ? string("0.3") : string("1.0")));
        if (random.nextInt(20) != 0) {
            members.add(member("id", string("e-" + random.nextInt(1000))));
        }
        members.add(member("source", random.nextInt(15) == 0 ? string("::not a uri") : string("/s/" + random.nextInt(9))));
        members.add(member("type", random.nextInt(20) == 0 ? "7" : string("t.v1")));
        String type = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        if (type != null) {
            members.add(member("datacontenttype", string(type)));
        }
        if (random.nextBoolean()) {
            members.add(member("subject", string("sub\\u00e9ject " + random.nextInt(5))));
        }
        if (random.nextBoolean()) {
            members.add(member("time", string(TIMES[random.nextInt(TIMES.length)])));
        }
        if (random.nextInt(4) == 0) {
            members.add(member("dataschema", string("https://example.com/s.json")));
        }
        switch (random.nextInt(8)) {
            case 0 -> members.add(member("tenant", string("acme")));
            case 1 -> members.add(member("count", "3"));
            case 2 -> members.add(member("flag", "false"));
            case 3 -> members.add(member("Bad_Name", string("x")));
            case 4 -> members.add(member("data_base64", string("AP8=")));
            case 5 -> members.add(member("id", string("again")));
            default -> {
            }
        }
        String data = DATA[random.nextInt(DATA.length)];
        if (data != null) {
            members.add(member("data", data));
        }
        Collections.shuffle(members, random);
        return "{" + String.join(random.nextBoolean() ? "," : " ,\n ", members) + "}"
                + (random.nextInt(30) == 0 ? " {}" : "");
    }

    static void assertSameEvent(CloudEvent expected, CloudEvent actual, String document) {
        assertEquals(expected.getSpecVersion(), actual.getSpecVersion(), document);
        Set<String> names = new TreeSet<>(expected.getAttributeNames());
        assertEquals(names, new TreeSet<>(actual.getAttributeNames()), document);
        for (String name : names) {
            assertEquals(expected.getAttribute(name), actual.getAttribute(name), document);
        }
        assertEquals(new TreeSet<>(expected.getExtensionNames()), new TreeSet<>(actual.getExtensionNames()), document);
        for (String name : expected.getExtensionNames()) {
            assertEquals(expected.getExtension(name), actual.getExtension(name), document);
        }
        assertArrayEquals(expected.getData() == null ? null : expected.getData().toBytes(),
                actual.getData() == null ? null : actual.getData().toBytes(), document);
    }

    @Test
    void whereverTheFastPathAnswersTheSdkPathGivesTheSameEvent() {
        Random random = new Random(SEED);
        int answered = 0;
        for (int i = 0; i < 5000; i++) {
            String document = document(random);
            CloudEvent fast = StructuredFastPath.read(utf8(document));
            if (fast == null) {
                continue;
            }
            answered++;
            CloudEvent sdk;
            try {
                sdk = StructuredReader.readWithSdk(utf8(document));
            } catch (InvalidMessageException e) {
                throw new AssertionError("the SDK refuses what the fast path read: " + document, e);
            }
            assertSameEvent(sdk, fast, document);
        }
        assertEquals(true, answered > 500, "the fast path answered only " + answered + " of 5000");
    }

    @Test
    void theCommonEventTakesTheFastPath() {
        assertNotNull(StructuredFastPath.read(utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
                + "\"type\":\"t\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":1}}")));
    }

    @Test
    void whatTheSdkTreatsDifferentlyIsLeftToIt() {
        String head = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"";
        assertNull(StructuredFastPath.read(utf8(head + ",\"count\":3}")), "a number extension");
        assertNull(StructuredFastPath.read(utf8(head + ",\"data_base64\":\"AP8=\"}")), "base64 data");
        assertNull(StructuredFastPath.read(utf8(head + ",\"datacontenttype\":\"text/plain\",\"data\":\"x\"}")),
                "string data that is not JSON");
        assertNull(StructuredFastPath.read(utf8(head + ",\"id\":\"2\"}")), "a repeated member");
        assertNull(StructuredFastPath.read(utf8(head + ",\"data\":null}")), "null data");
        assertNull(StructuredFastPath.read(utf8(head + "} []")), "trailing tokens");
        assertNull(StructuredFastPath.read(utf8("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\","
                + "\"type\":\"t\"}")), "another spec version");
    }
}
