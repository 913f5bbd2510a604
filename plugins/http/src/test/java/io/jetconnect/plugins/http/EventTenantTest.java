package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The tenant must be read exactly as the jetstream sink's SubjectTemplate.tenantOf reads it. */
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

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "application/json|{\"tenantId\":\"acme\"}|acme",
        "NULL|{\"tenantId\":\"acme\"}|acme",
        "application/vnd.example+json; charset=utf-8|{\"a\":{\"tenantId\":\"x\"},\"tenantId\":\"acme\"}|acme",
        "TEXT/JSON|{\"tenantId\":12}|12",
        "application/json|{\"tenantId\":true}|true",
        "application/json|{\"tenantId\":null}|single",
        "application/json|{\"other\":\"acme\"}|single",
        "application/json|[{\"tenantId\":\"acme\"}]|single",
        "application/json|\"{\\\"tenantId\\\":\\\"acme\\\"}\"|single",
        "text/plain|{\"tenantId\":\"acme\"}|single",
        "image/svg+json|{\"tenantId\":\"acme\"}|single",
        "application/json|{\"tenantId\":\"acme\", broken|acme",
        "application/json|{broken, \"tenantId\":\"acme\"}|single",
        "application/json|NULL|single",
    })
    void readsTheTenantAsTheSinkDoes(String contentType, String data, String tenant) {
        assertEquals(tenant, EventTenant.tenantOf(event(contentType, data)));
    }

    @Test
    void anObjectOrArrayTenantIsNoTenant() {
        assertNull(EventTenant.tenantOf(event("application/json", "{\"tenantId\":{\"a\":1}}")));
        assertNull(EventTenant.tenantOf(event("application/json", "{\"tenantId\":[\"a\"]}")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"n\":1}|{\"tenantId\":\"acme\",\"n\":1}",
        "  { }|  {\"tenantId\":\"acme\" }",
        "{}|{\"tenantId\":\"acme\"}",
        "{\"n\":1,\"tenantId\":null,\"m\":2}|{\"n\":1,\"tenantId\":\"acme\",\"m\":2}",
    })
    void fillsTheTenantWhereTheSinkFindsIt(String data, String filled) {
        CloudEvent event = event("application/json", data);
        EventTenant.Fillable where = assertInstanceOf(EventTenant.Fillable.class, EventTenant.read(event));
        CloudEvent out = EventTenant.fill(event, where, "acme");
        assertEquals(filled, new String(out.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals("acme", EventTenant.tenantOf(out));
        assertEquals(event.getId(), out.getId());
        assertEquals("application/json", out.getDataContentType());
    }

    @Test
    void anEventWithoutDataGetsObjectData() {
        CloudEvent event = event(null, null);
        CloudEvent out = EventTenant.fill(event, assertInstanceOf(EventTenant.Fillable.class,
                EventTenant.read(event)), "acme");
        assertEquals("{\"tenantId\":\"acme\"}", new String(out.getData().toBytes(), StandardCharsets.UTF_8));
        assertNull(out.getDataContentType(), "absent datacontenttype means JSON");
        assertEquals("acme", EventTenant.tenantOf(out));
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
}
