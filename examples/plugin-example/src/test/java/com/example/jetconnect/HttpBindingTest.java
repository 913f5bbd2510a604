package com.example.jetconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpBindingTest {

    @Test
    void percentEncodesWhatTheBindingAsksFor() {
        assertEquals("plain-ASCII_1.0", HttpBinding.headerValue("plain-ASCII_1.0"));
        assertEquals("a%20b", HttpBinding.headerValue("a b"));
        assertEquals("%22quoted%22%2550", HttpBinding.headerValue("\"quoted\"%50"));
        assertEquals("M%C3%BCnchen", HttpBinding.headerValue("München"));
    }

    @Test
    void binaryModePutsAttributesInHeadersAndTheDataInTheBody() {
        CloudEvent event = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/orders"))
                .withType("order.created").withSubject("a b").withTime(OffsetDateTime.parse("2024-05-01T10:00:00Z"))
                .withDataContentType("application/json").withExtension("region", "eu-west-1")
                .withData("{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();
        HttpRequest request = HttpBinding.binary(event,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1/hook"))).build();
        assertEquals(List.of("1.0"), request.headers().allValues("ce-specversion"));
        assertEquals("e-1", request.headers().firstValue("ce-id").orElseThrow());
        assertEquals("/orders", request.headers().firstValue("ce-source").orElseThrow());
        assertEquals("order.created", request.headers().firstValue("ce-type").orElseThrow());
        assertEquals("a%20b", request.headers().firstValue("ce-subject").orElseThrow());
        assertEquals("2024-05-01T10:00:00Z", request.headers().firstValue("ce-time").orElseThrow());
        assertEquals("eu-west-1", request.headers().firstValue("ce-region").orElseThrow());
        assertEquals("application/json", request.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(request.headers().firstValue("ce-datacontenttype").isPresent());
        assertEquals("POST", request.method());
        assertEquals(7L, request.bodyPublisher().orElseThrow().contentLength());
    }

    @Test
    void structuredModeSendsTheJsonFormat() {
        CloudEvent event = CloudEventBuilder.v1().withId("e-2").withSource(URI.create("/s")).withType("t").build();
        HttpRequest request = HttpBinding.structured(event,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1/hook"))).build();
        assertEquals("application/cloudevents+json; charset=utf-8",
                request.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(request.headers().firstValue("ce-id").isPresent());
    }
}
