package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class MaskTest {

    private static final byte[] KEY = "k3y-material-never-to-be-logged".getBytes(StandardCharsets.UTF_8);

    @Test
    void fixedReplacement() {
        Mask mask = Mask.fixed("***");
        assertEquals("***", mask.apply("anything"));
        assertTrue(mask.isMasked("***"));
        assertFalse(mask.isMasked("**"));
        assertEquals(5, mask.markerEnd("ab***cd", 2));
        assertEquals(-1, mask.markerEnd("ab***cd", 1));
    }

    @Test
    void emptyReplacementIsNeverAMarker() {
        assertEquals(-1, Mask.fixed("").markerEnd("abc", 0));
    }

    @Test
    void hmacIsHmacSha256OfTheUtf8Value() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal("päss".getBytes(StandardCharsets.UTF_8)));
        Mask mask = Mask.hmac(KEY);
        assertEquals(expected, mask.apply("päss"));
        assertEquals(expected, mask.apply("päss"), "the same value hashes the same way every time");
        assertNotEquals(expected, mask.apply("pass"));
        assertNotEquals(expected, Mask.hmac("another-key-of-enough-bytes".getBytes(StandardCharsets.UTF_8))
                .apply("päss"));
    }

    @Test
    void recognisesOnlyWholeHashes() {
        Mask mask = Mask.hmac(KEY);
        String hash = mask.apply("x");
        assertTrue(mask.isMasked(hash));
        assertEquals(2 + hash.length(), mask.markerEnd("> " + hash + " <", 2));
        assertFalse(mask.isMasked(hash.substring(0, hash.length() - 1)));
        assertFalse(mask.isMasked(hash.toUpperCase().replace("HMAC-SHA256", "hmac-sha256")));
        assertFalse(mask.isMasked("[REDACTED]"));
    }

    @Test
    void toStringNamesTheModeOnly() {
        assertEquals("hmac-sha256", Mask.hmac(KEY).toString());
        assertEquals("replacement", Mask.fixed("[REDACTED]").toString());
    }
}
