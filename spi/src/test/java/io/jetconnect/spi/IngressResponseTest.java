package io.jetconnect.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressResponseTest {

    @Test
    void bodyAndHeadersCannotBeChangedFromOutside() {
        byte[] body = {1, 2, 3};
        Map<String, String> headers = new HashMap<>(Map.of("Retry-After", "1"));
        IngressResponse r = IngressResponse.builder(503, "application/json").headers(headers).body(body).build();
        body[0] = 9;
        headers.put("X-Other", "x");
        r.body()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, r.body());
        assertEquals(Map.of("Retry-After", "1"), r.headers());
        assertThrows(UnsupportedOperationException.class, () -> r.headers().put("a", "b"));
    }

    @Test
    @SuppressWarnings("deprecation")
    void theRecordsConstructorAndTheFactoriesAgree() {
        IngressResponse json = IngressResponse.json(202, "{}").withHeader("X-Test", "yes");
        IngressResponse old = new IngressResponse(202, "application/json", Map.of("X-Test", "yes"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(old, json);
        assertEquals(old.hashCode(), json.hashCode());
        assertEquals(json, json.toBuilder().build());
        assertEquals("no", json.withHeader("X-Test", "no").headers().get("X-Test"));
        assertEquals(0, IngressResponse.builder(204, "text/plain").build().body().length);
        assertThrows(NullPointerException.class, () -> IngressResponse.builder(200, null));
    }
}
