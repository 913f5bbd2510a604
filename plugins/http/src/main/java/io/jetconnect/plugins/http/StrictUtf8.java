package io.jetconnect.plugins.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Finds the first malformed sequence in bytes that must be UTF-8, as strictly as the JDK's decoder with
 * {@link CodingErrorAction#REPORT}: overlong forms, encoded surrogates, code points above U+10FFFF and sequences cut
 * short are all malformed. Jackson's byte parser is no substitute: it lets the first three through in strings and
 * names alike, whether it reads or skips them (jackson-core 2.19.2).
 *
 * <p>Bodies are mostly ASCII, so the bytes are first scanned eight at a time for a high bit; the decoder only runs
 * from the first non-ASCII byte on, into a small buffer it reuses, so nothing the size of the body is allocated.
 */
final class StrictUtf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final int CHUNK_CHARS = 4096;

    private StrictUtf8() {
    }

    /** @return the offset of the first byte of the first malformed sequence, or -1 if there is none */
    static int firstMalformed(byte[] bytes) {
        int length = bytes.length;
        int i = 0;
        int whole = length & ~7;
        while (i < whole && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
            i += 8;
        }
        while (i < length && bytes[i] >= 0) {
            i++;
        }
        if (i == length) {
            return -1;
        }
        // Every byte before i is a whole character, so decoding may start there.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, i, length - i);
        CharBuffer out = CharBuffer.allocate(Math.min(CHUNK_CHARS, length - i + 1));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return -1;
            }
            out.clear();
        }
    }

    /** @return whether all of {@code bytes} is well-formed UTF-8 */
    static boolean isValid(byte[] bytes) {
        return firstMalformed(bytes) < 0;
    }
}
