package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tenant this sink stores an event under, for the cases the http source's {@code EventTenantTest} pins: the
 * source authorises ingest by the same reading, so a change here must be made there too (and the other way).
 */
class TenantRuleTest {

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
    void theSinkReadsTheTenantAsTheHttpSourceAuthorisesIt(String contentType, String data, String tenant) {
        assertEquals(tenant, SubjectTemplate.tenantOf(event(contentType, data)));
    }
}
