package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PubAcks} reads the usual PubAck by a scan that answers only where jnats' {@link PublishAck} agrees. */
class PubAcksTest {

    private static Message reply(byte[] data) {
        return new NatsMessage("_INBOX.x.1", null, data);
    }

    /** The scan's answer, checked against jnats' reading where it gives one. */
    private static int scanned(byte[] json) {
        int scan = PubAcks.scan(json);
        if (scan != PubAcks.OTHER) {
            boolean duplicate;
            try {
                duplicate = new PublishAck(reply(json)).isDuplicate();
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                throw new AssertionError("the scan read " + scan + " where jnats refuses: "
                        + new String(json, StandardCharsets.ISO_8859_1), e);
            }
            assertEquals(duplicate, scan == PubAcks.DUPLICATE, () -> "differs from jnats on "
                    + new String(json, StandardCharsets.ISO_8859_1));
        }
        return scan;
    }

    private static int scanned(String json) {
        return scanned(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatNatsServerSends() {
        // nats-server 2.9's own bytes, spaces included, and the compact form of the JSON encoder.
        assertEquals(PubAcks.STORED, scanned("{\"stream\":\"T\", \"seq\":1}"));
        assertEquals(PubAcks.DUPLICATE, scanned("{\"stream\":\"T\", \"seq\":1,\"duplicate\": true}"));
        assertEquals(PubAcks.STORED, scanned("{\"stream\":\"BENCH_CHAIN\",\"seq\":184467440737}"));
        assertEquals(PubAcks.DUPLICATE, scanned("{\"stream\":\"S\",\"seq\":0,\"duplicate\":true}"));
        assertEquals(PubAcks.STORED, scanned("{\"stream\":\"S\",\"seq\":7,\"duplicate\":false}"));
        assertEquals(PubAcks.STORED, scanned(" {\n\"stream\" : \"S\" ,\t\"seq\" : 7 }\r\n"));
    }

    @Test
    void leavesEverythingElseToJnats() {
        for (String json : new String[] {
            "{\"error\":{\"code\":400,\"err_code\":10060,\"description\":\"expected stream does not match\"},"
                    + "\"stream\":\"T\",\"seq\":0}",
            "{\"stream\":\"T\",\"seq\":1,\"error\":{\"code\":503,\"description\":\"x\"}}",
            "{\"stream\":\"T\",\"seq\":1,\"domain\":\"hub\"}",
            "{\"stream\":\"T\",\"seq\":1,\"duplicate\":true,\"val\":\"3\"}",
            "{\"seq\":1,\"stream\":\"T\"}",
            "{\"stream\":\"\",\"seq\":1}",
            "{\"stream\":\"a\\\"b\",\"seq\":1}",
            "{\"stream\":\"\u00e9\",\"seq\":1}",
            "{\"stream\":\"T\",\"seq\":-1}",
            "{\"stream\":\"T\",\"seq\":01}",
            "{\"stream\":\"T\",\"seq\":1.5}",
            "{\"stream\":\"T\",\"seq\":1234567890123456789}",
            "{\"stream\":\"T\",\"seq\":\"1\"}",
            "{\"stream\":\"T\",\"seq\":1,\"duplicate\":\"true\"}",
            "{\"stream\":\"T\",\"seq\":1} trailing",
            "{\"stream\":\"T\",\"seq\":1",
            "",
            "[]",
        }) {
            assertEquals(PubAcks.OTHER, scanned(json), json);
        }
        assertEquals(PubAcks.OTHER, PubAcks.scan(null));
    }

    @Test
    void duplicateAnswersFromTheScanOrFromJnats() throws Exception {
        assertFalse(PubAcks.duplicate(reply("{\"stream\":\"T\", \"seq\":1}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(PubAcks.duplicate(reply("{\"stream\":\"T\",\"seq\":1,\"domain\":\"hub\",\"duplicate\":true}"
                .getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void refusalsAreJnatsOwnExceptions() {
        JetStreamApiException refused = assertThrows(JetStreamApiException.class, () -> PubAcks.duplicate(reply(
                ("{\"error\":{\"code\":400,\"err_code\":10060,\"description\":\"expected stream does not match\"},"
                        + "\"stream\":\"T\",\"seq\":0}").getBytes(StandardCharsets.UTF_8))));
        assertEquals(10060, refused.getApiErrorCode());
        assertThrows(IOException.class, () -> PubAcks.duplicate(reply("{}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(PublishErrors.Kind.PERMANENT, PublishErrors.classify(refused).kind());
    }

    /** Random near-PubAcks, PubAcks with a few edits: wherever the scan answers, jnats must read the same. */
    @Test
    void agreesWithJnatsOnRandomNearPubAcks() {
        String[] acks = {"{\"stream\":\"T\", \"seq\":12}", "{\"stream\":\"T\", \"seq\":1,\"duplicate\": true}",
            "{\"stream\":\"S_1\",\"seq\":0,\"duplicate\":false}"};
        String[] pieces = {"{", "}", "\"stream\"", "\"seq\"", "\"duplicate\"", ":", ",", " ", "\"T\"", "1", "0",
            "true", "false", "\"", "\\", "-", "\"domain\"", "\n", "null", ".", "e", "\u00e9"};
        Random random = new Random(20261123);
        int answered = 0;
        int other = 0;
        for (int i = 0; i < 30_000; i++) {
            StringBuilder json = new StringBuilder(acks[random.nextInt(acks.length)]);
            int edits = random.nextInt(3);
            for (int e = 0; e < edits && json.length() > 0; e++) {
                int at = random.nextInt(json.length());
                switch (random.nextInt(3)) {
                    case 0 -> json.insert(at, pieces[random.nextInt(pieces.length)]);
                    case 1 -> json.deleteCharAt(at);
                    default -> json.replace(at, at + 1, pieces[random.nextInt(pieces.length)]);
                }
            }
            if (scanned(json.toString()) != PubAcks.OTHER) {
                answered++;
            } else {
                other++;
            }
        }
        assertTrue(answered > 1000 && other > 1000, answered + " answered, " + other + " left to jnats");
    }
}
