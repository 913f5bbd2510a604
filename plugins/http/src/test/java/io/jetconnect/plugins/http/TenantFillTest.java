package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.nats.EventTenant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A filled-in tenant lands where {@link EventTenant}, the sink's rule, reads it. */
class TenantFillTest {

    private static CloudEvent event(String contentType, String data) {
        CloudEventBuilder builder = CloudEventBuilder.v1().withId("1").withSource(URI.create("/t")).withType("t");
        if (data != null) {
            builder.withData(contentType, data.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static CloudEvent filled(CloudEvent event) {
        return TenantFill.fill(event, assertInstanceOf(EventTenant.Fillable.class, EventTenant.read(event)), "acme");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"n\":1}|{\"tenantId\":\"acme\",\"n\":1}",
        "'  { }'|'  {\"tenantId\":\"acme\" }'",
        "{}|{\"tenantId\":\"acme\"}",
        "{\"n\":1,\"tenantId\":null,\"m\":2}|{\"n\":1,\"tenantId\":\"acme\",\"m\":2}",
    })
    void fillsTheTenantWhereTheSinkFindsIt(String data, String expected) {
        CloudEvent event = event("application/json", data);
        CloudEvent out = filled(event);
        assertEquals(expected, new String(out.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals("acme", EventTenant.tenantOf(out));
        assertEquals(event.getId(), out.getId());
        assertEquals("application/json", out.getDataContentType());
    }

    @Test
    void anEventWithoutDataGetsObjectData() {
        CloudEvent out = filled(event(null, null));
        assertEquals("{\"tenantId\":\"acme\"}", new String(out.getData().toBytes(), StandardCharsets.UTF_8));
        assertNull(out.getDataContentType(), "absent datacontenttype means JSON");
        assertEquals("acme", EventTenant.tenantOf(out));
    }
}
