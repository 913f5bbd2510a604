package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

    @TempDir
    Path dir;

    private SignatureKey hmac;
    private SignatureKey edPrivate;
    private SignatureKey edPublic;

    @BeforeEach
    void keys() throws Exception {
        hmac = KeyFiles.read(TestKeys.hmac(dir, "h1.key"), "h1", null);
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "e1");
        edPrivate = KeyFiles.read(ed.privateKey(), "e1", null);
        edPublic = KeyFiles.read(ed.publicKey(), "e1", null);
    }

    private static void assertInvalid(Verification verification, String reason) {
        assertEquals(Verification.Status.INVALID, verification.status());
        assertTrue(verification.reason().contains(reason), verification.reason());
    }

    @Test
    void signedEventsVerifyAndUnsignedOnesAreCounted() {
        KeyRing ring = new KeyRing(List.of(hmac, edPublic));
        CloudEvent event = TestEvents.json("1");
        assertEquals(Verification.VALID, ring.verify(new EventSigner(hmac).sign(event)));
        assertEquals(Verification.VALID, ring.verify(new EventSigner(edPrivate).sign(event)));
        assertEquals(Verification.UNSIGNED, ring.verify(event));
    }

    @Test
    void tamperingIsDetected() {
        for (SignatureKey key : List.of(hmac, edPrivate)) {
            KeyRing ring = new KeyRing(List.of(key));
            CloudEvent signed = new EventSigner(key).sign(TestEvents.json("1"));
            assertInvalid(ring.verify(CloudEventBuilder.from(signed)
                    .withData("{\"order\":\"1\",\"total\":\"0.01\"}".getBytes(StandardCharsets.UTF_8)).build()),
                    "signature mismatch");
            assertInvalid(ring.verify(CloudEventBuilder.from(signed).withoutData().build()), "signature mismatch");
            assertInvalid(ring.verify(CloudEventBuilder.from(signed).withSubject("order-2").build()),
                    "signature mismatch");
            assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("role", "admin").build()),
                    "signature mismatch");
            assertInvalid(ring.verify(CloudEventBuilder.from(signed).withoutExtension("tenant").build()),
                    "signature mismatch");
            assertInvalid(ring.verify(CloudEventBuilder.from(signed).withTime(java.time.OffsetDateTime.parse("2025-03-01T12:00:00.124Z")).build()), "signature mismatch");
        }
    }

    @Test
    void signatureAttributesThemselvesAreChecked() {
        KeyRing ring = new KeyRing(List.of(hmac, edPublic));
        CloudEvent signed = new EventSigner(edPrivate).sign(TestEvents.json("1"));
        String sig = (String) signed.getExtension("sig");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sigkeyid", "nope").build()),
                "unknown key id \"nope\"");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sigkeyid", "h1").build()),
                "is not the algorithm of key h1");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sigalg", "hmac-sha256").build()),
                "sigalg \"hmac-sha256\" is not the algorithm of key e1");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sig", sig + "==").build()),
                "malformed sig");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sig", sig.substring(4)).build()),
                "malformed sig");
        char flipped = sig.charAt(10) == 'A' ? 'B' : 'A';
        String other = sig.substring(0, 10) + flipped + sig.substring(11);
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withExtension("sig", other).build()),
                "signature mismatch");
        assertInvalid(ring.verify(CloudEventBuilder.from(signed).withoutExtension("sigalg").build()),
                "missing sigalg");
    }

    @Test
    void rotationKeepsOldSignaturesValid() throws Exception {
        TestKeys.EdFiles next = TestKeys.ed25519(dir, "e2");
        SignatureKey newKey = KeyFiles.read(next.privateKey(), "e2", null);
        CloudEvent old = new EventSigner(edPrivate).sign(TestEvents.json("1"));
        CloudEvent fresh = new EventSigner(newKey).sign(TestEvents.json("2"));
        assertEquals("e2", fresh.getExtension("sigkeyid"));

        KeyRing both = new KeyRing(List.of(edPublic, KeyFiles.read(next.publicKey(), "e2", null)));
        assertEquals(Verification.VALID, both.verify(old));
        assertEquals(Verification.VALID, both.verify(fresh));
        assertInvalid(new KeyRing(List.of(edPublic)).verify(fresh), "unknown key id");
    }

    @Test
    void resigningReplacesAnOldSignature() throws Exception {
        CloudEvent once = new EventSigner(hmac).sign(TestEvents.json("1"));
        CloudEvent twice = new EventSigner(edPrivate).sign(once);
        assertEquals("e1", twice.getExtension("sigkeyid"));
        assertEquals(Verification.VALID, new KeyRing(List.of(edPublic)).verify(twice));
    }

    @Test
    void duplicateIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyRing(List.of(edPrivate, edPublic)));
    }
}
