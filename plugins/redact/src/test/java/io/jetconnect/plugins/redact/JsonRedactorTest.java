package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.TestContexts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRedactorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Mask MASK = Mask.fixed("[REDACTED]");

    private static JsonRedactor defaults() {
        return RedactRules.from(TestContexts.of("redact").connectorConfig()).jsonRedactor();
    }

    private static JsonRedactor onlyPaths(String... pointers) {
        List<JsonPointer> paths = java.util.Arrays.stream(pointers).map(RedactRules::pointer).toList();
        return new JsonRedactor(FieldNames.of(List.of()), paths, ValuePatterns.compile(List.of()), MASK);
    }

    private static byte[] bytes(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static JsonRedactor.Outcome run(JsonRedactor r, String json) throws JsonRedactor.Malformed {
        return r.redact(bytes(json));
    }

    private static void assertJson(String expected, JsonRedactor.Outcome outcome) throws Exception {
        assertTrue(outcome.changed(), "nothing changed");
        assertEquals(MAPPER.readTree(bytes(expected)), MAPPER.readTree(outcome.data()));
    }

    @Test
    void fieldsAtAnyDepthOfObjectsAndArraysIgnoringCase() throws Exception {
        JsonRedactor.Outcome out = run(defaults(), "{'user':{'name':'ann','Password':'p1','profile':{"
                + "'API-KEY':'k1','prefs':[{'apiKey':'k2'},{'tokens':'keep','csrf_token':'keep'}]}},"
                + "'list':[[{'SECRET':{'nested':'object'}}],{'cookie':['a','b']}],"
                + "'Authorization':12345,'password':null,'count':3}");
        assertJson("{'user':{'name':'ann','Password':'[REDACTED]','profile':{"
                + "'API-KEY':'[REDACTED]','prefs':[{'apiKey':'[REDACTED]'},{'tokens':'keep','csrf_token':'keep'}]}},"
                + "'list':[[{'SECRET':'[REDACTED]'}],{'cookie':'[REDACTED]'}],"
                + "'Authorization':'[REDACTED]','password':null,'count':3}", out);
        assertEquals(6, out.values());
    }

    @Test
    void patternsInStringValuesAtAnyDepth() throws Exception {
        JsonRedactor.Outcome out = run(defaults(),
                "{'log':['GET with Bearer abc123','ok'],'db':{'url':'postgres://a:b@h/db'},'n':'AKIAIOSFODNN7EXAMPLE'}");
        assertJson("{'log':['GET with Bearer [REDACTED]','ok'],'db':{'url':'postgres://[REDACTED]@h/db'},"
                + "'n':'[REDACTED]'}", out);
        assertEquals(3, out.values());
    }

    @Test
    void pemInJsonWithEscapedNewlines() throws Exception {
        JsonRedactor.Outcome out = run(defaults(), "{'key':'-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\nAAAA\\n"
                + "-----END RSA PRIVATE KEY-----\\n'}");
        assertJson("{'key':'[REDACTED]\\n'}", out);
    }

    @Test
    void rootValuesAreRedactedToo() throws Exception {
        assertJson("'Bearer [REDACTED]'", run(defaults(), "'Bearer xyz'"));
        assertJson("[{'token':'[REDACTED]'}]", run(defaults(), "[{'token':'t'}]"));
    }

    @Test
    void jsonPointerPathsWithEscapesAndIndexes() throws Exception {
        JsonRedactor r = onlyPaths("/user/ssn", "/a~1b", "/m~0n", "/list/1", "/list/2/card", "/0", "/objs/0");
        JsonRedactor.Outcome out = run(r, "{'user':{'ssn':'123-45','name':'ann'},'a/b':'slash','m~n':'tilde',"
                + "'a':{'b':'keep'},'list':['keep','drop',{'card':4111,'cvc':'keep'}],'0':'zero',"
                + "'objs':[{'whole':'object'},{'x':1}]}");
        assertJson("{'user':{'ssn':'[REDACTED]','name':'ann'},'a/b':'[REDACTED]','m~n':'[REDACTED]',"
                + "'a':{'b':'keep'},'list':['keep','[REDACTED]',{'card':'[REDACTED]','cvc':'keep'}],"
                + "'0':'[REDACTED]','objs':['[REDACTED]',{'x':1}]}", out);
        assertEquals(7, out.values());
    }

    @Test
    void eachPathIsFoundByTheScanAlone() throws Exception {
        // No field names and no patterns: only the streaming scan's path matching can send data to the tree.
        assertTrue(run(onlyPaths("/list/1"), "{'list':['a','b']}").changed());
        assertTrue(run(onlyPaths("/list/1"), "{'list':[1,{'x':2}]}").changed());
        assertTrue(run(onlyPaths("/o/p"), "{'o':{'q':1,'p':[true]}}").changed());
        assertTrue(run(onlyPaths("/o/0"), "{'o':{'0':false}}").changed());
        assertTrue(run(onlyPaths(""), "{'whole':1}").changed());
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(onlyPaths("/list/2"), "{'list':['a','b'],'x':[0,1,2]}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(onlyPaths("/o/p"), "{'p':{'o':1},'o':[{'p':1}]}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(onlyPaths("/o"), "{'x':{'o':1}}"));
    }

    @Test
    void nothingToRedactIsUnchanged() throws Exception {
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'a':[1,2,{'b':'c'}],'n':null}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'password':null}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'password':'[REDACTED]'}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "  "));
    }

    @Test
    void numbersKeepTheirExactTextWhenDataIsRewritten() throws Exception {
        JsonRedactor.Outcome out = run(defaults(),
                "{'password':'x','amount':1.10,'big':123456789012345678901234567890,'tiny':0.1000000000000000055511}");
        String json = new String(out.data(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"amount\":1.10"), json);
        assertTrue(json.contains("\"big\":123456789012345678901234567890"), json);
        assertTrue(json.contains("\"tiny\":0.1000000000000000055511"), json);
    }

    @Test
    void hashedValuesAreHmacsOfTheValueText() throws Exception {
        Mask hashing = Mask.hmac("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        JsonRedactor r = new JsonRedactor(FieldNames.of(List.of("secret", "obj")), List.of(),
                ValuePatterns.compile(List.of()), hashing);
        JsonNode out = MAPPER.readTree(run(r, "{'secret':'s3','obj':{'a':1}}").data());
        assertEquals(hashing.apply("s3"), out.get("secret").textValue());
        assertEquals(hashing.apply("{\"a\":1}"), out.get("obj").textValue());
        assertSame(JsonRedactor.Outcome.UNCHANGED, r.redact(MAPPER.writeValueAsBytes(out)));
    }

    @Test
    void malformedDataIsRejectedWithoutItsContent() {
        for (String json : List.of("{'password': hunter2}", "{'a':", "{'a':1} {'password':'hunter2'}",
                "{'a':1}]", "{'a':'x','a':'Bearer hunter2'}", "{'token':'x','token':'hunter2'}", "[1,]",
                "{'a':'hunter2'", "hunter2")) {
            JsonRedactor.Malformed e = assertThrows(JsonRedactor.Malformed.class, () -> run(defaults(), json), json);
            assertTrue(e.getMessage().startsWith("not well-formed JSON"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertEquals(0, e.getStackTrace().length);
        }
    }

    @Test
    void repeatedKeysAreRejectedOnlyWhenThereIsSomethingToRedact() throws Exception {
        // The scan sees both values; a tree would keep only the last one.
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'a':1,'a':2}"));
        assertThrows(JsonRedactor.Malformed.class, () -> run(defaults(), "{'a':'Bearer hunter2','a':'x'}"));
        assertThrows(JsonRedactor.Malformed.class, () -> run(defaults(), "{'a':1,'a':2,'password':'p'}"));
        assertThrows(JsonRedactor.Malformed.class, () -> run(onlyPaths("/a"), "{'a':'hunter2','a':'x'}"));
    }

    @Test
    void finderAgreesWithRedactionAcrossStrings() {
        ValuePatterns patterns = ValuePatterns.compile(TestContexts.of("redact").connectorConfig()
                .getStringList("patterns"));
        ValuePatterns.Finder finder = patterns.finder();
        assertTrue(finder.anyMatch("Bearer x"));
        assertFalse(finder.anyMatch("plain"));
        assertTrue(finder.anyMatch("ftp://u:p@h"), "a reused matcher forgets the previous string");
        assertFalse(finder.anyMatch(""));
    }

    @Test
    void escapesThatSpellALiteralAreStillRedacted() throws Exception {
        // Neither "bearer" nor "://" occurs in the bytes: the skip on raw bytes must not hide these.
        JsonRedactor.Outcome out = defaults().redact(
                "{\"a\":\"\\u0042earer abc123\",\"b\":\"https:\\/\\/u:pw@h\\/x\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertJson("{'a':'\u0042earer [REDACTED]','b':'https://[REDACTED]@h/x'}", out);
    }

    @Test
    void literalOnlyInAKeyOrAcrossStringsStillParsesAndFindsNothing() throws Exception {
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'bearer':'x','a':'AKI','b':'AIOSFODNN7EXAMPLE'}"));
        assertSame(JsonRedactor.Outcome.UNCHANGED, run(defaults(), "{'payload':'" + "x".repeat(900) + "','n':1}"));
        assertThrows(JsonRedactor.Malformed.class, () -> run(defaults(), "{'payload':'" + "x".repeat(90) + "'"));
    }

    @Test
    void nonAsciiTextAroundALiteralIsSearched() throws Exception {
        JsonRedactor.Outcome out = run(defaults(), "{'m':'\u00e9t\u00e9 Bearer t0k\u00e9n'}");
        assertTrue(out.changed());
    }

    @Test
    void anOverlongFormOfALetterDoesNotSlipPastThePreCheck() throws Exception {
        // 0xC1 0xA2 is an overlong (invalid) UTF-8 form of 'b', which Jackson decodes as 'b'.
        byte[] data = {'{', '"', 'a', '"', ':', '"', (byte) 0xC1, (byte) 0xA2, 'e', 'a', 'r', 'e', 'r', ' ', 'x', 'y',
            'z', '"', '}'};
        ValuePatterns patterns = ValuePatterns.compile(List.of("(?i)bearer\\s+(?<secret>\\S+)"));
        assertTrue(patterns.mayMatchWithin(data));
        JsonRedactor.Outcome out = defaults().redact(data);
        assertTrue(out.changed());
        assertFalse(new String(out.data(), StandardCharsets.UTF_8).contains("xyz"));
    }
}
