package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SealedHeadersTest {

    private static SealedHeaders filled() {
        SealedHeaders headers = new SealedHeaders();
        headers.put("Nats-Msg-Id", "id-1");
        headers.add("content-type", "application/cloudevents+json");
        return headers;
    }

    @Test
    void isWritableUntilSealed() {
        SealedHeaders headers = filled();
        assertFalse(headers.isReadOnly());
        assertSame(headers, headers.seal());
        assertTrue(headers.isReadOnly());
        assertEquals("id-1", headers.getFirst("Nats-Msg-Id"));
        assertEquals(2, headers.size());
    }

    @Test
    void everyChangeAfterSealingIsRefused() {
        SealedHeaders headers = filled().seal();
        assertThrows(UnsupportedOperationException.class, () -> headers.put("a", "b"));
        assertThrows(UnsupportedOperationException.class, () -> headers.put("a", List.of("b")));
        assertThrows(UnsupportedOperationException.class, () -> headers.put(Map.of("a", List.of("b"))));
        assertThrows(UnsupportedOperationException.class, () -> headers.add("a", "b"));
        assertThrows(UnsupportedOperationException.class, () -> headers.add("a", List.of("b")));
        assertThrows(UnsupportedOperationException.class, () -> headers.remove("Nats-Msg-Id"));
        assertThrows(UnsupportedOperationException.class, () -> headers.remove(List.of("Nats-Msg-Id")));
        assertThrows(UnsupportedOperationException.class, headers::clear);
        assertEquals(2, headers.size());
    }

    /** The reason the class exists: if jnats starts copying these too, the saving is gone and this says so. */
    @Test
    void jnatsTakesSealedHeadersWithoutCopyingThem() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SealedHeaders sealed = filled().seal();
        assertSame(sealed, published(sealed, body));

        Headers mutable = filled();
        assertNotSame(mutable, published(mutable, body));
    }

    /** @return the headers a message holds once jnats has prepared it for the wire, as every publish does */
    private static Headers published(Headers headers, byte[] body) {
        return new NatsMessage("s", null, headers, body) {
            {
                calculate();
            }
        }.getHeaders();
    }
}
