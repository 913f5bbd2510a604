package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.SampleEvents;
import org.junit.jupiter.api.Test;

/** The {@code Nats-Msg-Id} function: the vectors of docs/reliability.md, its shape and the legacy mode. */
class MessageIdTest {

    @Test
    void matchesTheDocumentedVectors() {
        // docs/reliability.md, "Event identity": a producer computes these the same way.
        assertEquals("GEHWaN6oeQUajfMWV0-yQlMgqtKMSk4oGf99FUvYLO4", MessageId.digest("/shop-a", "order-1"));
        assertEquals("kpeAWM_CIXjt397XBU2-IPB_BqhINZJKi9-3tEgzEWg", MessageId.digest("/shop-b", "order-1"));
        assertEquals("r1Vw9aGBC3r3jK9LxwpmDw31HkK6-R1N5bIyjeDoPfw", MessageId.digest("", ""));
    }

    @Test
    void identifiesAnEventBySourceAndId() {
        String a = MessageId.SOURCE_AND_ID.of(SampleEvents.from("/shop-a", "order-1"));
        assertNotEquals(a, MessageId.SOURCE_AND_ID.of(SampleEvents.from("/shop-b", "order-1")));
        assertEquals(a, MessageId.SOURCE_AND_ID.of(SampleEvents.from("/shop-a", "order-1")));
        // The length prefixes keep a boundary moved between source and id apart.
        assertNotEquals(MessageId.digest("/a", "bc"), MessageId.digest("/ab", "c"));
    }

    @Test
    void isAlways43HeaderSafeCharacters() {
        String longId = "x".repeat(100_000);
        for (String id : new String[] {"1", "id with spaces and \"quotes\" %", "日本語", longId}) {
            String key = MessageId.digest("/s", id);
            assertEquals(43, key.length(), key);
            assertTrue(key.matches("[A-Za-z0-9_-]{43}"), key);
        }
    }

    @Test
    void theIdModeKeepsTheIdAlonePercentEncoded() {
        assertEquals("order-1", MessageId.ID.of(SampleEvents.from("/shop-a", "order-1")));
        assertEquals(MessageId.ID.of(SampleEvents.from("/shop-a", "order-1")), MessageId.ID.of(SampleEvents.from("/shop-b", "order-1")));
        assertEquals("a%20b", MessageId.ID.of(SampleEvents.from("/s", "a b")));
    }

    @Test
    void isChosenByName() {
        assertEquals("source-and-id", io.jetconnect.spi.Setting.choiceName(MessageId.SOURCE_AND_ID));
        assertEquals("id", io.jetconnect.spi.Setting.choiceName(MessageId.ID));
    }
}
