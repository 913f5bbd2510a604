package io.jetconnect.plugins.sign;

import io.jetconnect.nats.NatsEventReader;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the Java implementation against docs/signing-vectors, which docs/signing-vectors/generate.py (an
 * independent implementation in Python) produced from events.jsonl and the keys beside it.
 */
class SigningVectorsTest {

    private static final int EVENTS = 9;

    private static byte[] utf8(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }

    private static SignatureKey key(String file, String id, SignatureAlgorithm algorithm) throws KeyFileException {
        return KeyFiles.read(Vectors.file(file), id, algorithm);
    }

    @Test
    void canonicalBytesMatchTheVectors() throws Exception {
        List<String> events = Vectors.lines("events.jsonl");
        List<String> hex = Vectors.lines("canonical.hex");
        assertEquals(EVENTS, events.size());
        assertEquals(EVENTS, hex.size());
        for (int i = 0; i < EVENTS; i++) {
            CloudEvent event = NatsEventReader.readStructured(utf8(events.get(i)));
            assertEquals(hex.get(i), HexFormat.of().formatHex(CanonicalForm.encode(event)), "event " + (i + 1));
        }
    }

    @Test
    void hmacSignaturesMatchTheVectors() throws Exception {
        signaturesMatch("hmac-sha256.jsonl", key("hmac-2025.key", "hmac-2025", SignatureAlgorithm.HMAC_SHA256));
    }

    @Test
    void ed25519SignaturesMatchTheVectors() throws Exception {
        signaturesMatch("ed25519.jsonl", key("ed-2025.pem", "ed-2025", SignatureAlgorithm.ED25519));
    }

    private static void signaturesMatch(String signedFile, SignatureKey key) throws Exception {
        List<String> events = Vectors.lines("events.jsonl");
        List<String> signed = Vectors.lines(signedFile);
        assertEquals(EVENTS, signed.size());
        EventSigner signer = new EventSigner(key);
        for (int i = 0; i < EVENTS; i++) {
            CloudEvent expected = NatsEventReader.readStructured(utf8(signed.get(i)));
            CloudEvent actual = signer.sign(NatsEventReader.readStructured(utf8(events.get(i))));
            for (String name : List.of(CanonicalForm.SIGALG, CanonicalForm.SIGKEYID, CanonicalForm.SIG)) {
                assertEquals(expected.getExtension(name), actual.getExtension(name), name + " of event " + (i + 1));
            }
        }
    }

    @Test
    void signedVectorsVerifyWithTheCommittedKeys() throws Exception {
        KeyRing ring = new KeyRing(List.of(
                key("hmac-2025.key", "hmac-2025", null),
                key("ed-2025.pub.pem", "ed-2025", null)));
        for (String file : List.of("hmac-sha256.jsonl", "ed25519.jsonl")) {
            for (String line : Vectors.lines(file)) {
                assertEquals(Verification.VALID, ring.verify(NatsEventReader.readStructured(utf8(line))), line);
            }
        }
    }

    @Test
    void eventsSignedHereSurviveTheJsonFormat() throws Exception {
        EventSigner signer = new EventSigner(key("ed-2025.pem", "ed-2025", SignatureAlgorithm.ED25519));
        KeyRing ring = new KeyRing(List.of(key("ed-2025.pub.pem", "ed-2025", null)));
        JsonFormat format = new JsonFormat();
        for (String line : Vectors.lines("events.jsonl")) {
            CloudEvent signed = signer.sign(NatsEventReader.readStructured(utf8(line)));
            CloudEvent read = NatsEventReader.readStructured(format.serialize(signed));
            assertEquals(Verification.VALID, ring.verify(read), line);
        }
    }
}
