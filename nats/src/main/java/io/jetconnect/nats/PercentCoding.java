package io.jetconnect.nats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The binding's percent-encoding of {@code ce-} header values (UTF-8 bytes as {@code %XX}). */
final class PercentCoding {

    private PercentCoding() {
    }

    /**
     * @return the value with each valid {@code %XX} escape undone as UTF-8; a {@code %} not followed by two hex
     *     digits stays as it is, so a value an older or foreign writer left unencoded reads as written
     */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi = c == '%' && i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = value.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
