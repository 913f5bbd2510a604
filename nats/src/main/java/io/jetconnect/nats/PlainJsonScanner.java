package io.jetconnect.nats;

import io.cloudevents.CloudEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The common structured event ({@link CommonEventParts}) read straight from the bytes, when the document is plain:
 * ASCII only, no escape in a member name or an attribute, at most {@value #MOST_BYTES} bytes, data nested at most
 * {@value #MOST_DEPTH} deep. What it accepts is valid JSON by the grammar of RFC 8259, checked here as strictly
 * as Jackson does with its defaults (no leading zeros, no comments, no trailing commas, nothing after the object),
 * and within Jackson's read limits, so that it accepts nothing Jackson would refuse; anything else returns null and
 * is read by Jackson. Why: Jackson's per-document set-up (buffers, symbol table) and byte-at-a-time string skipping
 * were a third of a replay's reading thread; this reads the same in one tight pass.
 */
final class PlainJsonScanner {

    private static final int MOST_BYTES = 1 << 20;
    private static final int MOST_DEPTH = 64;
    private static final int MOST_NAME = 256;
    private static final int MOST_NUMBER = 100;
    private static final int INVALID = -1;
    /** Eight bytes of the document at a time, for the long run of plain characters data strings mostly are. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long SPACES = ONES * ' ';
    /** The members of the CloudEvents JSON format, most common first. */
    private static final String[] KNOWN_NAMES = {"specversion", "id", "source", "type", "datacontenttype", "data",
        "time", "subject", "dataschema", "data_base64"};
    private static final byte[][] KNOWN_NAME_BYTES = Arrays.stream(KNOWN_NAMES)
            .map(name -> name.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private final byte[] doc;

    private PlainJsonScanner(byte[] doc) {
        this.doc = doc;
    }

    /** @return the event, or null when the document is not plain, not of the common shape, or not an event */
    static CloudEvent read(byte[] document) {
        if (document.length > MOST_BYTES) {
            return null;
        }
        try {
            return new PlainJsonScanner(document).event();
        } catch (Exception notCommon) {
            // An attribute the builder refuses, a missing one: the SDK's path says which.
            return null;
        }
    }

    private CloudEvent event() throws Exception {
        int at = whitespace(0);
        if (at >= doc.length || doc[at] != '{') {
            return null;
        }
        CommonEventParts parts = new CommonEventParts();
        at = whitespace(at + 1);
        if (at < doc.length && doc[at] == '}') {
            return null;
        }
        while (true) {
            int nameEnd = plainString(at, MOST_NAME);
            if (nameEnd == INVALID) {
                return null;
            }
            String name = memberName(at + 1, nameEnd - 1);
            if (!parts.member(name)) {
                return null;
            }
            at = whitespace(nameEnd);
            if (at >= doc.length || doc[at] != ':') {
                return null;
            }
            at = whitespace(at + 1);
            int end;
            if (name.equals("data")) {
                end = value(at, 0);
                if (end == INVALID || doc[at] == 'n') {
                    return null; // not JSON, or a JSON null
                }
                parts.data(Arrays.copyOfRange(doc, at, end));
            } else {
                end = plainString(at, Integer.MAX_VALUE);
                if (end == INVALID || !parts.attribute(name, ascii(at + 1, end - 1))) {
                    return null;
                }
            }
            at = whitespace(end);
            if (at >= doc.length) {
                return null;
            }
            if (doc[at] == '}') {
                break;
            }
            if (doc[at] != ',') {
                return null;
            }
            at = whitespace(at + 1);
        }
        return whitespace(at + 1) == doc.length ? parts.build() : null;
    }

    private String ascii(int from, int to) {
        return new String(doc, from, to - from, StandardCharsets.US_ASCII);
    }

    /**
     * @return the member name between the indexes: one of {@link #KNOWN_NAMES} itself when it is one, so that the
     *     name is not made again per document and switching on it reuses its cached hash
     */
    private String memberName(int from, int to) {
        int length = to - from;
        for (int k = 0; k < KNOWN_NAMES.length; k++) {
            byte[] known = KNOWN_NAME_BYTES[k];
            if (known.length == length && Arrays.equals(doc, from, to, known, 0, length)) {
                return KNOWN_NAMES[k];
            }
        }
        return ascii(from, to);
    }

    /** @return the index after the whitespace (space, tab, line feed, carriage return) at {@code at} */
    private int whitespace(int at) {
        while (at < doc.length) {
            byte b = doc[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            at++;
        }
        return at;
    }

    /** @return the index after a string at {@code at} with no escape, of printable ASCII, or INVALID */
    private int plainString(int at, int mostChars) {
        if (at >= doc.length || doc[at] != '"') {
            return INVALID;
        }
        int limit = (int) Math.min(doc.length, at + 2L + mostChars);
        int i = at + 1;
        while (i + Long.BYTES <= limit && plain((long) WORDS.get(doc, i))) {
            i += Long.BYTES;
        }
        for (; i < limit; i++) {
            byte b = doc[i];
            if (b == '"') {
                return i + 1;
            }
            if (b < 0x20 || b == '\\') { // control characters, escapes and (negative) bytes above 0x7F
                return INVALID;
            }
        }
        return INVALID;
    }

    /** @return the index after the JSON value at {@code at}, or INVALID */
    private int value(int at, int depth) {
        if (at >= doc.length) {
            return INVALID;
        }
        return switch (doc[at]) {
            case '{' -> container(at, depth + 1, true);
            case '[' -> container(at, depth + 1, false);
            case '"' -> string(at);
            case 't' -> literal(at, "true");
            case 'f' -> literal(at, "false");
            case 'n' -> literal(at, "null");
            default -> number(at);
        };
    }

    /** An object (members named by plain strings) or an array, its items separated by commas. */
    private int container(int at, int depth, boolean object) {
        if (depth > MOST_DEPTH) {
            return INVALID;
        }
        byte close = (byte) (object ? '}' : ']');
        int i = whitespace(at + 1);
        if (i < doc.length && doc[i] == close) {
            return i + 1;
        }
        while (true) {
            if (object) {
                i = plainString(i, MOST_NAME);
                if (i == INVALID) {
                    return INVALID;
                }
                i = whitespace(i);
                if (i >= doc.length || doc[i] != ':') {
                    return INVALID;
                }
                i = whitespace(i + 1);
            }
            i = value(i, depth);
            if (i == INVALID) {
                return INVALID;
            }
            i = whitespace(i);
            if (i >= doc.length) {
                return INVALID;
            }
            if (doc[i] == close) {
                return i + 1;
            }
            if (doc[i] != ',') {
                return INVALID;
            }
            i = whitespace(i + 1);
        }
    }

    /** A data string: ASCII, escapes as JSON has them. */
    private int string(int at) {
        for (int i = at + 1; i < doc.length; i++) {
            // By words: a data string is most of a document's bytes and nearly all of them plain, so eight are
            // skipped at once; the byte loop below reads whatever a word holds besides.
            while (i + Long.BYTES <= doc.length && plain((long) WORDS.get(doc, i))) {
                i += Long.BYTES;
            }
            if (i >= doc.length) {
                break;
            }
            byte b = doc[i];
            if (b == '"') {
                return i + 1;
            }
            if (b < 0x20) {
                return INVALID;
            }
            if (b == '\\') {
                if (++i >= doc.length) {
                    return INVALID;
                }
                switch (doc[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    }
                    case 'u' -> {
                        if (i + 4 >= doc.length || !hex(doc[i + 1]) || !hex(doc[i + 2]) || !hex(doc[i + 3])
                                || !hex(doc[i + 4])) {
                            return INVALID;
                        }
                        i += 4;
                    }
                    default -> {
                        return INVALID;
                    }
                }
            }
        }
        return INVALID;
    }

    /**
     * @return whether all eight bytes of a word are printable ASCII other than {@code "} and {@code \\}: no byte
     *     with the high bit set, none below a space (a borrow out of such a byte sets its high bit), none equal to
     *     the quote or the backslash (the same test on the word xor'ed with them: a zero byte borrows). A borrow can
     *     only flag bytes above one that is flagged itself, so the answer for the word as a whole is exact.
     */
    static boolean plain(long word) {
        long quote = word ^ QUOTES;
        long backslash = word ^ BACKSLASHES;
        long flagged = word
                | (word - SPACES) & ~word
                | (quote - ONES) & ~quote
                | (backslash - ONES) & ~backslash;
        return (flagged & HIGHS) == 0;
    }

    private static boolean hex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    private int literal(int at, String word) {
        int end = at + word.length();
        if (end > doc.length) {
            return INVALID;
        }
        for (int i = 0; i < word.length(); i++) {
            if (doc[at + i] != word.charAt(i)) {
                return INVALID;
            }
        }
        return delimited(end);
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private int number(int at) {
        int i = at;
        if (i < doc.length && doc[i] == '-') {
            i++;
        }
        if (i >= doc.length || !digit(doc[i])) {
            return INVALID;
        }
        if (doc[i] == '0') {
            i++;
        } else {
            i = digits(i);
        }
        if (i < doc.length && doc[i] == '.') {
            int fraction = digits(i + 1);
            if (fraction == i + 1) {
                return INVALID;
            }
            i = fraction;
        }
        if (i < doc.length && (doc[i] == 'e' || doc[i] == 'E')) {
            i++;
            if (i < doc.length && (doc[i] == '+' || doc[i] == '-')) {
                i++;
            }
            int exponent = digits(i);
            if (exponent == i) {
                return INVALID;
            }
            i = exponent;
        }
        return i - at > MOST_NUMBER ? INVALID : delimited(i);
    }

    private int digits(int at) {
        int i = at;
        while (i < doc.length && digit(doc[i])) {
            i++;
        }
        return i;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** @return {@code at} when a scalar may end there (a delimiter or the end follows), else INVALID */
    private int delimited(int at) {
        if (at == doc.length) {
            return at;
        }
        byte b = doc[at];
        return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t' ? at : INVALID;
    }
}
