package io.jetconnect.plugins.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Request bodies in the JSON event format for {@link JsonEventReaderTest}, valid and not: every attribute of the
 * spec in its valid and invalid forms, extensions of each JSON type, data of each kind (JSON, text, base64, absent,
 * null), unicode and escapes, whitespace, both spec versions, syntax faults, invalid UTF-8 in every kind of place,
 * and batches with a fault at some index.
 */
final class ReaderBodies {

    private static final String HEAD = "\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/orders\",\"type\":\"t\"";
    private static final String HEAD03 = "\"specversion\":\"0.3\",\"id\":\"e-1\",\"source\":\"/orders\",\"type\":\"t\"";

    private final List<Arguments> bodies = new ArrayList<>();

    private ReaderBodies() {
    }

    /** @return (name, batch?, body) */
    static Stream<Arguments> all() {
        ReaderBodies b = new ReaderBodies();
        b.attributes();
        b.extensions();
        b.data();
        b.version03();
        b.syntax();
        b.repeatedNames();
        b.encodings();
        b.batches();
        return b.bodies.stream();
    }

    /** @return a 1.0 event with JSON data */
    static String event(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + data + "}";
    }

    private void structured(String json) {
        bodies.add(Arguments.of("structured " + json, false, json.getBytes(StandardCharsets.UTF_8)));
    }

    private void batch(String json) {
        bodies.add(Arguments.of("batch " + json, true, json.getBytes(StandardCharsets.UTF_8)));
    }

    private void both(String name, byte[] body) {
        bodies.add(Arguments.of("structured " + name, false, body));
        bodies.add(Arguments.of("batch " + name, true, body));
    }

    /** The head with one attribute added, replaced or removed ({@code value} null). */
    private void with(String attribute, String value) {
        String head = HEAD.replaceAll(",?\"" + attribute + "\":\"[^\"]*\"", "").replaceFirst("^,", "");
        structured("{" + head + (value == null ? "" : (head.isEmpty() ? "" : ",") + "\"" + attribute + "\":" + value)
                + "}");
    }

    private void attributes() {
        structured("{" + HEAD + "}");
        structured("{\"type\":\"t\",\"source\":\"/orders\",\"id\":\"e-1\",\"specversion\":\"1.0\"}");
        for (String attribute : List.of("specversion", "id", "source", "type")) {
            for (String value : new String[] {null, "null", "\"\"", "1", "1.5", "true", "{}", "[\"x\"]"}) {
                with(attribute, value);
            }
        }
        for (String version : List.of("\"0.9\"", "\"2.0\"", "\"1.0 \"", "\"1\"", "\"0.3\"")) {
            with("specversion", version);
        }
        for (String id : List.of("\"a\\\"b\\\\c\"", "\"\\u00e9\\t\\ud83d\\ude00\"", "\"caf\u00e9 \u6f22\u5b57 \ud83d\ude00\"",
                "\" \"", "\"\\ud800\"")) {
            with("id", id);
        }
        for (String source : List.of("\"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\"", "\"https://e.com/a?b=c#d\"",
                "\"http://exa mple.com\"", "\"%zz\"", "\"\\u00e9/x\"", "\"a:b:c\"", "\"//host\"")) {
            with("source", source);
        }
        for (String time : List.of("\"2018-04-05T17:31:00Z\"", "\"2018-04-05T17:31:00.123456789+02:00\"",
                "\"2018-04-05t17:31:00z\"", "\"2018-04-05\"", "\"noon\"", "\"\"", "5", "null", "[]")) {
            with("time", time);
        }
        for (String schema : List.of("\"https://e.com/s.json\"", "\"/schema\"", "\"http://exa mple.com\"", "\"\"",
                "null", "1", "{}")) {
            with("dataschema", schema);
        }
        for (String subject : List.of("\"caf\\u00e9\\t/x\"", "\"\"", "null", "false", "[]")) {
            with("subject", subject);
        }
        for (String type : List.of("\"Type With Spaces\"", "\"\\u0000\"")) {
            with("type", type);
        }
        with("datacontenttype", "\"text/plain\"");
        with("datacontenttype", "null");
        with("datacontenttype", "7");
    }

    private void extensions() {
        for (String value : List.of("\"v\"", "\"\"", "\"\\u00e9\\n\"", "0", "-0", "42", "-2147483648", "2147483647",
                "2147483648", "-2147483649", "12345678901234567890", "1.5", "1E2", "-0.0", "true", "false", "null",
                "{}", "{\"a\":1}", "[]", "[1,2]")) {
            structured("{" + HEAD + ",\"ext\":" + value + "}");
        }
        structured("{" + HEAD + ",\"zeta\":\"1\",\"alpha\":2,\"mid\":true,\"b\":null,\"a1\":\"x\"}");
        for (String name : List.of("Bad-Name", "UPPER", "under_score", "x".repeat(25), "\u00e9", "", "data64")) {
            structured("{" + HEAD + ",\"" + name + "\":\"v\"}");
        }
        structured("{" + HEAD + ",\"schemaurl\":\"http://x\",\"datacontentencoding\":\"base64\"}");
        structured("{" + HEAD + ",\"ext\":1,\"ext\":2}");
        structured("{" + HEAD + ",\"ext\":{\"a\":1},\"id\":5}");
        structured("{" + HEAD + ",\"f\":1.5,\"time\":\"noon\"}");
    }

    private void data() {
        String[] values = {"{\"tenantId\":\"acme\",\"n\":42}", "[1,\"two\",{\"3\":[]}]", "\"text\"", "42", "-1.5e3",
            "true", "null", "{}", "[]", "{\"a\":1.10,\"b\":1E2,\"c\":12345678901234567890123,\"d\":3.14159265358979323846}",
            "{\"e\":\"\\u0041\\/\\n\\t\\\"\\\\ \\ud83d\\ude00 \\ud800\"}", "{\"u\":\"caf\u00e9 \u6f22\u5b57 \ud83d\ude00\"}",
            "{ \"w\" :\n\t[ 1 ,\r\n 2 ] , \"x\" : { } }", "{\"a\":{\"a\":{\"a\":{\"a\":[[[[]]]]}}}}"};
        for (String value : values) {
            structured("{" + HEAD + ",\"data\":" + value + "}");
            structured("{" + HEAD + ",\"datacontenttype\":\"application/json\",\"data\":  " + value + "  }");
            structured("{\"data\":" + value + ",\"datacontenttype\":\"text/plain\"," + HEAD + "}");
        }
        for (String type : List.of("application/json", "application/json; charset=utf-8", "text/json",
                "application/vnd.x+json", "application/cloudevents+json", "APPLICATION/JSON", "application/json5",
                "text/plain", "application/octet-stream", "", "application/x+y+json", "text/json;a=b;c")) {
            structured("{" + HEAD + ",\"datacontenttype\":\"" + type + "\",\"data\":\"hello \\u00e9\"}");
            structured("{" + HEAD + ",\"datacontenttype\":\"" + type + "\",\"data\":{\"k\":1}}");
        }
        for (String base64 : List.of("\"QUJD\"", "\" QUJD \"", "\"\"", "\"QUI=\"", "\"QUI\"", "\"QU JD\"",
                "\"QUJD\\nREVG\"", "\"!!!!\"", "\"8J+YgA==\"")) {
            structured("{" + HEAD + ",\"data_base64\":" + base64 + "}");
            structured("{" + HEAD + ",\"datacontenttype\":\"application/octet-stream\",\"data_base64\":" + base64 + "}");
        }
        structured("{" + HEAD + ",\"data\":{},\"data_base64\":\"QUJD\"}");
        structured("{" + HEAD + ",\"data\":null,\"data_base64\":null}");
        structured("{" + HEAD + ",\"datacontenttype\":\"text/plain\",\"data\":null}");
        structured("{" + HEAD + ",\"datacontenttype\":\"text/plain\",\"data\":[\"x\"]}");
    }

    private void version03() {
        structured("{" + HEAD03 + "}");
        structured("{" + HEAD03 + ",\"schemaurl\":\"http://x/s\",\"subject\":\"s\",\"time\":\"2018-04-05T17:31:00Z\"}");
        structured("{" + HEAD03 + ",\"schemaurl\":\"http://exa mple\"}");
        structured("{" + HEAD03 + ",\"schemaurl\":{}}");
        structured("{" + HEAD03 + ",\"dataschema\":\"x\"}");
        structured("{" + HEAD03 + ",\"data\":{\"a\":1}}");
        structured("{" + HEAD03 + ",\"datacontentencoding\":\"base64\",\"data\":\"QUJD\"}");
        structured("{" + HEAD03 + ",\"datacontentencoding\":\"base64\",\"data\":\"QUI\"}");
        structured("{" + HEAD03 + ",\"datacontentencoding\":\"7bit\",\"data\":\"QUJD\"}");
        structured("{" + HEAD03 + ",\"datacontentencoding\":5,\"data\":\"QUJD\"}");
        structured("{" + HEAD03 + ",\"datacontenttype\":\"text/plain\",\"data\":\"x\"}");
        structured("{" + HEAD03 + ",\"datacontenttype\":\"text/plain\",\"data\":1}");
        structured("{" + HEAD03 + ",\"data\":\"QUJD\",\"data_base64\":\"REVG\"}");
        structured("{" + HEAD03 + ",\"data_base64\":\"REVG\"}");
        structured("{" + HEAD03 + ",\"ext\":[1]}");
    }

    private void syntax() {
        for (String body : List.of("", " ", "\r\n\t", "null", "\"event\"", "42", "[]", "{", "}", "{}",
                "{\"specversion\":\"1.0\",\"id\":", "{" + HEAD + "} {}", "{" + HEAD + "}}", "{" + HEAD + ",}",
                "{" + HEAD + ",,\"a\":1}", "{" + HEAD + " /* c */}", "{'id':'1'}", "{" + HEAD + ",\"data\":NaN}",
                "{" + HEAD + ",\"data\":01}", "{" + HEAD + ",\"data\":.5}", "{" + HEAD + ",\"data\":+1}",
                "{" + HEAD + ",\"data\":\"a\u0001b\"}", "{" + HEAD + ",\"data\":\"\\q\"}", "{" + HEAD + ",\"data\":\"\\u12\"}",
                "{" + HEAD + ",\"data\":{\"a\":1,\"a\":2}}", "{" + HEAD + ",\"data\":[1 2]}", "{" + HEAD + ",\"data\":tru}",
                "{" + HEAD + ",\"data\":[1,]}", "{" + HEAD + ",\"id\":\"dup\"}", "{" + HEAD + ",\"data\":1" ,
                "{" + HEAD + ",\"data\":" + "[".repeat(61) + "]".repeat(61) + "}",
                "{" + HEAD + ",\"data\":" + "[".repeat(62) + "]".repeat(62) + "}",
                "{" + HEAD + ",\"data\":" + "{\"a\":".repeat(70) + "0" + "}".repeat(70) + "}",
                "{" + HEAD + ",\"x\":\"" + "y".repeat(5000) + "\",\"" + "k".repeat(300) + "\":1.5}",
                "{" + HEAD + ",\"data\":\"x\"}\u00a0", "\u00a0{" + HEAD + "}", "{" + HEAD + "}\n")) {
            structured(body);
            batch("[" + body + "]");
        }
    }

    private void repeatedNames() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        for (String data : List.of("{\"a\":{\"b\":1,\"b\":2}}", "[{\"a\":1},{\"a\":2}]", "{\"a\":{\"a\":{\"a\":1}}}",
                "{\"x\":{\"k\":1},\"y\":{\"k\":2,\"k\":3}}", "{\"x\":{\"k\":1},\"y\":{\"k\":2},\"k\":3}",
                "{" + many + "}", "{" + many + ",\"k3\":0}", "{" + many + ",\"k39\":0}", "{" + many + ",\"z\":{\"k3\":1}}",
                "[[{\"a\":1,\"b\":[{\"c\":1,\"c\":1}]}]]", "{\"\":1,\"\":2}", "{\"\\u0061\":1,\"a\":2}")) {
            structured("{" + HEAD + ",\"data\":" + data + "}");
        }
        structured("{" + HEAD + "," + many + "}");
        structured("{" + HEAD + "," + many.toString().replace("\"k", "\"e") + ",\"e7\":1}");
        structured("{" + HEAD + ",\"ext\":{\"a\":1,\"a\":1}}");
        structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":{\"s\":1,\"s\":2},\"type\":\"t\"}");
        structured("{\"id\":5," + HEAD.replace("\"id\":\"e-1\",", "") + ",\"data\":{\"d\":1,\"d\":2}}");
        structured("{" + HEAD + ",\"data\":{\"d\":1},\"data\":2}");
        batch("[" + event("a", "{\"k\":1}") + "," + event("b", "{\"k\":1,\"k\":2}") + "]");
        batch("[" + event("a", "{\"k\":1}") + "," + event("a", "{\"k\":1}") + "]");
    }

    private void encodings() {
        byte[][] faults = {{(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}};
        for (byte[] fault : faults) {
            both("bad UTF-8 in an id", concat("{\"specversion\":\"1.0\",\"id\":\"a", fault, "\",\"source\":\"/s\",\"type\":\"t\"}"));
            both("bad UTF-8 in data", concat("{" + HEAD + ",\"data\":{\"k\":\"", fault, "\"}}"));
            both("bad UTF-8 in a name", concat("{" + HEAD + ",\"e", fault, "\":1}"));
            both("bad UTF-8 between tokens", concat("{" + HEAD + ",", fault, "\"x\":1}"));
            both("bad UTF-8 at the end", concat("{" + HEAD + "}", fault, ""));
            bodies.add(Arguments.of("batch, bad UTF-8 in the second event", true, concat("[" + event("a", "1")
                    + ",{" + HEAD + ",\"data\":{\"k\":\"", fault, "\"}}," + event("c", "2") + "]")));
        }
        both("a byte order mark", concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{" + HEAD + "}"));
        both("a byte order mark inside", concat(" ", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{" + HEAD + "}"));
        both("UTF-16LE", ("{" + HEAD + "}").getBytes(StandardCharsets.UTF_16LE));
        both("UTF-16BE", ("[{" + HEAD + "}]").getBytes(StandardCharsets.UTF_16BE));
        both("UTF-32", concat("", new byte[] {0, 0, 0}, "{"));
        both("a NUL second", concat("{", new byte[] {0}, "}"));
        both("a NUL second in an array", concat("[", new byte[] {0}, "]"));
        both("a NUL alone", new byte[] {0});
        both("a NUL third", concat(" {", new byte[] {0}, "}"));
    }

    private void batches() {
        String a = event("a", "{\"tenantId\":\"acme\"}");
        String b = "{" + HEAD + ",\"datacontenttype\":\"text/plain\",\"data\":\"hello\",\"ext\":3}";
        String c = "{" + HEAD + ",\"data_base64\":\"QUJD\"}";
        String v03 = "{" + HEAD03 + "}";
        for (String body : List.of("[" + a + "]", "[" + a + "," + b + "," + c + "]", "[" + a + "," + a + "," + a + ","
                + a + "]", " [ " + a + " , " + b + " ] ", "[" + a + "," + v03 + "]", "[" + v03 + "," + v03 + "]",
                "[" + a + ",{\"id\":\"\",\"source\":\"/s\",\"type\":\"t\",\"specversion\":\"1.0\"}]",
                "[" + a + "," + a + ",{\"specversion\":\"1.0\"}]", "[" + a + ",\"x\"]", "[" + a + ",[]]", "[" + a + ",null]",
                "[" + a + "] [", "[" + a + "]]", "[" + a + ",", "[" + a, "[" + a + "," + a + ",{\"id\":\"x",
                "[" + a + "," + a + "," + a + "," + a + ",{]", "{\"events\":[" + a + "]}", "[1,2]", "[" + a + ",1]",
                "[" + a + "," + event("b", "{\"a\":1,\"a\":1}") + "]", "[" + a + ",{" + HEAD + ",\"e\":{}}]")) {
            batch(body);
        }
    }

    /** @return {@code middle} (bytes that are not UTF-8, say) between two strings in UTF-8 */
    static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** @return JSON text without the whitespace between its tokens */
    static byte[] withoutJsonWhitespace(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte c = json[i];
            if (inString) {
                out.write(c);
                if (c == '\\') {
                    out.write(json[++i]);
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.write(c);
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
