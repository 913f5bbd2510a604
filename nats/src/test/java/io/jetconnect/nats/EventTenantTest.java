package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one tenant rule: the jetstream sink stores an event under this tenant, and the http source authorises (and
 * fills in) the same.
 */
class EventTenantTest {

    private static CloudEvent event(String contentType, String data) {
        CloudEventBuilder builder = CloudEventBuilder.v1().withId("1").withSource(URI.create("/t")).withType("t");
        if (data != null) {
            builder.withData(contentType, data.getBytes(StandardCharsets.UTF_8));
        } else if (contentType != null) {
            builder.withDataContentType(contentType);
        }
        return builder.build();
    }

    private static CloudEvent tree(String json) throws Exception {
        return CloudEventBuilder.v1().withId("2").withSource(URI.create("/t")).withType("t")
                .withData("application/json", JsonCloudEventData.wrap(new ObjectMapper().readTree(json))).build();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "application/json|{\"tenantId\":\"acme\"}|acme",
        "NULL|{\"tenantId\":\"acme\"}|acme",
        "application/vnd.example+json; charset=utf-8|{\"a\":{\"tenantId\":\"x\"},\"tenantId\":\"acme\"}|acme",
        "application/json|{\"inner\":{\"tenantId\":\"no\",\"l\":[1,{\"tenantId\":\"no\"}]},\"tenantId\":\"yes\"}|yes",
        "TEXT/JSON|{\"tenantId\":12}|12",
        "application/json|{\"tenantId\":true}|true",
        "application/json|{\"tenantId\":null}|single",
        "application/json|{\"tenantId\":\"\"}|''",
        "application/json|{\"other\":\"acme\"}|single",
        "application/json|{\"tenantIdx\":\"a\",\"tenantI\":\"c\",\"tenantId\":\"b\"}|b",
        "application/json|{\"tenantId\":\"first\",\"tenantId\":\"second\"}|first",
        "application/json|{\"tenant\\u0049d\":\"escaped key\"}|escaped key",
        "application/json|[{\"tenantId\":\"acme\"}]|single",
        "application/json|\"{\\\"tenantId\\\":\\\"acme\\\"}\"|single",
        "application/json|not json at all|single",
        "application/json|''|single",
        "text/plain|{\"tenantId\":\"acme\"}|single",
        "image/svg+json|{\"tenantId\":\"acme\"}|single",
        "application/json|{\"tenantId\":\"acme\", broken|acme",
        "application/json|{broken, \"tenantId\":\"acme\"}|single",
        "application/json|NULL|single",
        "text/plain|NULL|single",
    })
    void readsTheTenant(String contentType, String data, String tenant) {
        assertEquals(tenant, EventTenant.tenantOf(event(contentType, data)));
    }

    @Test
    void jsonWhitespaceIsSkippedAnywhere() {
        assertEquals("x y", EventTenant.tenantOf(event("application/json",
                " \r\n\t{ \"a\" : \"b\" ,\n \"tenantId\" :\t\"x y\" }")));
    }

    @Test
    void anObjectOrArrayTenantIsNoTenant() {
        assertNull(EventTenant.tenantOf(event("application/json", "{\"tenantId\":{\"a\":1}}")));
        assertNull(EventTenant.tenantOf(event("application/json", "{\"tenantId\":[\"a\"]}")));
        assertInstanceOf(EventTenant.NotScalar.class, EventTenant.read(event("application/json", "{\"tenantId\":[]}")));
    }

    @Test
    void aTreeIsReadWithoutSerializingItAndCannotBeFilled() throws Exception {
        assertEquals(new EventTenant.Named("tree"), EventTenant.read(tree("{\"tenantId\":\"tree\"}")));
        assertEquals("7", EventTenant.tenantOf(tree("{\"tenantId\":7}")));
        assertNull(EventTenant.tenantOf(tree("{\"tenantId\":{\"a\":1}}")));
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(tree("{\"tenantId\":null}")));
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(tree("{\"n\":1}")));
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(tree("[{\"tenantId\":\"a\"}]")));
    }

    @ParameterizedTest(name = "{0} -> at {1}, replacing {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"n\":1}|1|0",
        "'  { }'|3|0",
        "{\"n\":1,\"tenantId\":null,\"m\":2}|18|4",
    })
    void namesWhereAMissingTenantGoes(String data, int at, int replace) {
        assertEquals(new EventTenant.Fillable(at, replace), EventTenant.read(event("application/json", data)));
    }

    @Test
    void anEventWithoutDataIsFillableFromScratch() {
        EventTenant.Fillable none = assertInstanceOf(EventTenant.Fillable.class, EventTenant.read(event(null, null)));
        assertTrue(none.at() < 0);
    }

    @Test
    void utf16DataCannotBeFilledForItHasNoByteOffsets() {
        byte[] utf16 = "{}".getBytes(StandardCharsets.UTF_16LE);
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(utf16));
    }

    @Test
    void dataThatIsNoJsonObjectCannotBeFilled() {
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(event("text/plain", "hello")));
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(event("application/json", "[1]")));
        assertInstanceOf(EventTenant.NotFillable.class, EventTenant.read(event("text/plain", null)));
    }

    @Test
    void contentTypesThatAreJson() {
        for (String json : new String[] {null, "application/json", "Application/JSON;charset=utf-8", "text/json",
            "application/json ; charset=utf-8", "application/vnd.acme+json", "text/x+json"}) {
            assertTrue(EventTenant.isJson(json), json);
        }
        for (String other : new String[] {"text/plain", "application/jsonx", "application/octet-stream", "json",
            "image/json", "image/svg+json", "application/+json", "", "/json"}) {
            assertFalse(EventTenant.isJson(other), other);
        }
    }
}
