package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MediaTypeTest {

    @Test
    void structuredAndBatchAreToldApart() {
        MediaType structured = MediaType.parse("Application/CloudEvents+JSON; charset=UTF-8");
        MediaType batch = MediaType.parse("application/cloudevents-batch+json");

        assertTrue(structured.isStructured());
        assertFalse(structured.isBatch());
        assertTrue(structured.isJsonFormat());
        assertTrue(batch.isBatch());
        assertFalse(batch.isStructured());
        assertTrue(batch.isJsonFormat());
        assertEquals("application/cloudevents+json", structured.essence());
    }

    @Test
    void otherEventFormatsAreCloudEventsButNotJson() {
        MediaType avro = MediaType.parse("application/cloudevents+avro");

        assertTrue(avro.isStructured());
        assertFalse(avro.isJsonFormat());
    }

    @Test
    void charsetMustBeUtf8WhenPresent() {
        assertTrue(MediaType.parse("application/cloudevents+json").isUtf8());
        assertTrue(MediaType.parse("application/cloudevents+json;CHARSET=\"utf-8\"").isUtf8());
        assertTrue(MediaType.parse("application/cloudevents+json; foo=bar; charset=utf-8").isUtf8());
        assertFalse(MediaType.parse("application/cloudevents+json; charset=utf-16").isUtf8());
    }

    @Test
    void anythingElseIsNeither() {
        MediaType text = MediaType.parse("text/plain");

        assertFalse(text.isStructured());
        assertFalse(text.isBatch());
        assertFalse(MediaType.parse("").isStructured());
    }
}
