package io.jetconnect.plugins.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a {@code ce-*} header value as the CloudEvents HTTP binding (3.1.3.2) says: undo double-quoted strings
 * (RFC 7230, 3.2.6, backslash escapes included), then one round of percent-decoding whose bytes must be valid UTF-8
 * (an overlong {@code %C0%A0} is refused). Values must be printable US-ASCII; a space or tab is allowed inside
 * (older senders did not encode them) and is trimmed at the ends.
 */
final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * @param raw the value as received; not null
     * @return the attribute's value
     * @throws IllegalArgumentException with a message fit for the client when the value cannot be decoded
     */
    static String decode(String raw) {
        String value = raw.strip();
        boolean plain = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                throw new IllegalArgumentException("header values must be printable US-ASCII (percent-encode the rest)");
            }
            if (c == '%' || c == '"' || c == '\\') {
                plain = false;
            }
        }
        if (plain) {
            return value;
        }
        return percentDecode(unquote(value));
    }

    private static String unquote(String value) {
        if (value.indexOf('"') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\') {
                if (++i == value.length()) {
                    throw new IllegalArgumentException("header value ends inside an escape");
                }
                out.append(value.charAt(i));
            } else {
                out.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("header value has an unterminated quoted string");
        }
        return out.toString();
    }

    private static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        byte[] bytes = new byte[value.length()];
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int high = i + 1 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("header value has an invalid percent-encoding");
                }
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else {
                bytes[length++] = (byte) c;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("header value is not valid UTF-8 once percent-decoded");
        }
    }
}
