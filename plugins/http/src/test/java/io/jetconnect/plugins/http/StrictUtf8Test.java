package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StrictUtf8} against the JDK's strict decoder, the check it stands for. */
class StrictUtf8Test {

    private static final byte[][] FAULTS = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC3, 0x28},
        {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
        {(byte) 0xFE}, {(byte) 0xFF}};

    /** @return the offset the JDK's decoder stops at, or -1 */
    private static int jdk(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return decoder.decode(in, CharBuffer.allocate(bytes.length), true).isError() ? in.position() : -1;
    }

    private static byte[] text(Random random, int length) {
        // ASCII, then 2-, 3- and 4-byte characters, mixed
        StringBuilder out = new StringBuilder();
        while (out.length() < length) {
            int kind = random.nextInt(8);
            out.appendCodePoint(kind < 5 ? 0x20 + random.nextInt(0x5f) : kind == 5 ? 0xe9 : kind == 6 ? 0x6f22 : 0x1f600);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsEveryFaultWhereTheJdkDecoderStops() {
        Random random = new Random(3);
        for (int round = 0; round < 3000; round++) {
            byte[] valid = text(random, random.nextInt(round % 10 == 0 ? 20_000 : 40));
            byte[] fault = FAULTS[random.nextInt(FAULTS.length)];
            int at = random.nextInt(valid.length + 1);
            byte[] bytes = new byte[valid.length + fault.length];
            System.arraycopy(valid, 0, bytes, 0, at);
            System.arraycopy(fault, 0, bytes, at, fault.length);
            System.arraycopy(valid, at, bytes, at + fault.length, valid.length - at);
            // inserting may split a character of the text, which is a fault of its own, found first
            assertEquals(jdk(bytes), StrictUtf8.firstMalformed(bytes), () -> "fault at " + at);
            assertEquals(-1, StrictUtf8.firstMalformed(valid));
        }
    }

    @Test
    void aFaultAtEachOffsetOfTheAsciiScan() {
        for (int at = 0; at < 40; at++) {
            byte[] bytes = "x".repeat(40).getBytes(StandardCharsets.US_ASCII);
            bytes[at] = (byte) 0x80;
            assertEquals(at, StrictUtf8.firstMalformed(bytes));
        }
        assertEquals(-1, StrictUtf8.firstMalformed(new byte[0]));
    }
}
