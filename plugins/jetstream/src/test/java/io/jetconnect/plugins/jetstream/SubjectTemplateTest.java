package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectTemplateTest {

    private static final SubjectTemplate TENANTED = SubjectTemplate.parse("cellos.events.{tenantId}.v1");

    static CloudEvent event(String contentType, String data) {
        CloudEventBuilder builder = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/test"))
                .withType("test.event");
        if (data != null) {
            builder.withData(contentType, data.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    static CloudEvent json(String data) {
        return event("application/json", data);
    }

    /** The last subject is kept: tenants in any order still get their own, and a bad one is refused every time. */
    @Test
    void theLastSubjectKeptNeverAnswersForAnotherTenant() {
        SubjectTemplate template = SubjectTemplate.parse("cellos.events.{tenantId}.v1");
        java.util.Random random = new java.util.Random(7);
        String[] tenants = {"acme", "globex", "acme2", "a"};
        for (int i = 0; i < 1_000; i++) {
            String tenant = tenants[random.nextInt(tenants.length)];
            assertEquals("cellos.events." + tenant + ".v1", template.resolve(tenant));
            if (random.nextInt(10) == 0) {
                assertThrows(JetconnectException.class, () -> template.resolve("bad.tenant"));
            }
        }
        String first = template.resolve("acme");
        assertSame(first, template.resolve("acme"), "the same tenant twice in a row builds its subject once");
    }

    @Test
    void resolvesTheTenantFromTopLevelData() {
        assertEquals("cellos.events.acme.v1", TENANTED.resolve(json("{\"tenantId\":\"acme\",\"n\":1}")));
    }

    @Test
    void findsTheTenantAfterNestedFieldsAndIgnoresNestedTenantIds() {
        String data = "{\"inner\":{\"tenantId\":\"wrong\",\"list\":[1,{\"tenantId\":\"no\"}]},\"tenantId\":\"right\"}";
        assertEquals("cellos.events.right.v1", TENANTED.resolve(json(data)));
    }

    @Test
    void stopsAtTheTenantWithoutReadingTheRest() {
        // Malformed after the field: the peek never gets there.
        assertEquals("cellos.events.acme.v1", TENANTED.resolve(json("{\"tenantId\":\"acme\", !!!")));
    }

    @Test
    void missingTenantIsSingle() {
        assertEquals("cellos.events.single.v1", TENANTED.resolve(json("{\"other\":\"x\"}")));
        assertEquals("cellos.events.single.v1", TENANTED.resolve(json("{\"tenantId\":null}")));
        assertEquals("cellos.events.single.v1", TENANTED.resolve(event(null, null)));
    }

    @Test
    void nonJsonDataIsSingle() {
        assertEquals("cellos.events.single.v1", TENANTED.resolve(event("text/plain", "{\"tenantId\":\"acme\"}")));
        assertEquals("cellos.events.single.v1", TENANTED.resolve(json("not json at all")));
        assertEquals("cellos.events.single.v1", TENANTED.resolve(json("[{\"tenantId\":\"acme\"}]")));
        assertEquals("cellos.events.single.v1", TENANTED.resolve(json("")));
    }

    @Test
    void absentContentTypeMeansJson() {
        assertEquals("cellos.events.acme.v1", TENANTED.resolve(event(null, "{\"tenantId\":\"acme\"}")));
        assertEquals("cellos.events.acme.v1",
                TENANTED.resolve(event("application/cloudevents+json; charset=utf-8", "{\"tenantId\":\"acme\"}")));
    }

    @Test
    void readsTheTenantOfATreeWithoutSerializingIt() throws Exception {
        CloudEvent event = CloudEventBuilder.v1().withId("e-2").withSource(URI.create("/t")).withType("t")
                .withData("application/json", JsonCloudEventData.wrap(
                        new ObjectMapper().readTree("{\"tenantId\":\"tree\"}")))
                .build();
        assertEquals("cellos.events.tree.v1", TENANTED.resolve(event));
    }

    @Test
    void numericTenantIsItsText() {
        assertEquals("cellos.events.42.v1", TENANTED.resolve(json("{\"tenantId\":42}")));
    }

    @Test
    void structuredTenantIsRejected() {
        assertRejected(json("{\"tenantId\":{\"a\":1}}"));
        assertRejected(json("{\"tenantId\":[\"a\"]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", ".", "a*", "*", ">", "a>", "a b", " ", "a\tb", "a\nb", "a\rb", "a\u0000b",
            "a\u0007", "\u001f", "a\u007fb", "a\u0085b", "a\u0090", "a\u00a0b", "a\u200bb", "a\u200eb", "a\u2028b",
            "a\u2029b", "a\u202eb", "a\u3000b", "\ufeff", "a\ue000b", "a\ud800b"})
    void invalidTenantsArePermanentErrors(String tenant) {
        JetconnectException e = assertThrows(JetconnectException.class, () -> TENANTED.resolve(tenant));
        assertFalse(e instanceof RetriableException, "a bad tenant never gets better");
        assertTrue(e.getMessage().contains("tenantId"), e.getMessage());
    }

    @Test
    void invalidTenantInDataIsRejected() {
        assertRejected(json("{\"tenantId\":\"a.b\"}"));
        assertRejected(json("{\"tenantId\":\"\"}"));
        assertRejected(json("{\"tenantId\":\"evil.>\"}"));
        assertRejected(json("{\"tenantId\":\"tab\\tbed\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme", "ACME-1_x", "müller", "日本", "a@b", "a:b", "😀", "%41"})
    void printableTenantsAreAccepted(String tenant) {
        assertEquals("cellos.events." + tenant + ".v1", TENANTED.resolve(tenant));
    }

    @Test
    void constantTemplateNeverLooksAtTheData() {
        SubjectTemplate constant = SubjectTemplate.parse("fixed.subject");
        assertFalse(constant.needsTenant());
        CloudEvent bad = json("{\"tenantId\":\"a.b\"}");
        assertSame(constant.resolve(bad), constant.resolve(bad), "no allocation for a constant subject");
        assertEquals("fixed.subject", constant.resolve(bad));
    }

    @Test
    void placeholderMayShareATokenAndRepeat() {
        assertEquals("t.x-acme.acme.v1", SubjectTemplate.parse("t.x-{tenantId}.{tenantId}.v1").resolve("acme"));
        assertEquals("acme", SubjectTemplate.parse("{tenantId}").resolve("acme"));
    }

    @Test
    void wildcardReplacesPlaceholderTokens() {
        assertEquals("cellos.events.*.v1", TENANTED.wildcard());
        assertEquals("t.*.v1", SubjectTemplate.parse("t.x{tenantId}.v1").wildcard());
        assertEquals("a.b", SubjectTemplate.parse("a.b").wildcard());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a..b", ".a", "a.", "a.*", "a.>", "a b.c", "a.{tenant}", "a.{tenantId", "a.}b",
            "a.\tb"})
    void badTemplatesAreRefused(String template) {
        assertThrows(IllegalArgumentException.class, () -> SubjectTemplate.parse(template));
    }

    private static void assertRejected(CloudEvent event) {
        JetconnectException e = assertThrows(JetconnectException.class, () -> TENANTED.resolve(event));
        assertFalse(e instanceof RetriableException);
    }
}
