package io.jetconnect.plugins.jetstream;

import java.nio.charset.StandardCharsets;

/**
 * The tenant id of JSON data in its commonest shape, without a parser: a top-level object whose members up to
 * {@code "tenantId"} are plain strings ({@code "name":"value"}), its value a plain string too. Plain means printable
 * ASCII with no backslash, so the bytes are the text and nothing needs decoding or checking beyond that. For
 * anything else (a number, a nested value or an escape before the field, a byte outside printable ASCII, input
 * that is not such an object) it answers "not sure", and {@link SubjectTemplate#peekTenant} asks Jackson, whose
 * answer this one always equals where it gives one ({@code TenantScanTest} compares the two). Creating Jackson's
 * parser was most of the peek's cost for a tenant at the top of the data.
 */
final class TenantScan {

    /** The answer for "not sure": Jackson's streaming peek decides. */
    static final String UNSURE = null;

    private static final byte[] FIELD = ("\"" + SubjectTemplate.TENANT_PLACEHOLDER + "\"").getBytes(
            StandardCharsets.US_ASCII);
    /**
     * Longest key, and longest tenant id, answered here: far below Jackson's limits on a name (50,000) and a string
     * (20,000,000), past which it fails where this would not.
     */
    static final int MAX_READ = 1024;

    private TenantScan() {
    }

    /**
     * @return the tenant id, {@link SubjectTemplate#SINGLE_TENANT} when the object ends without one, or
     *     {@link #UNSURE}
     */
    static String scan(byte[] json) {
        int at = whitespace(json, 0);
        if (at >= json.length || json[at] != '{') {
            return UNSURE;
        }
        at = whitespace(json, at + 1);
        if (at < json.length && json[at] == '}') {
            return SubjectTemplate.SINGLE_TENANT;
        }
        while (true) {
            boolean tenant = startsWith(json, at, FIELD);
            int keyEnd = plainString(json, at);
            if (keyEnd < 0 || keyEnd - at > MAX_READ) {
                return UNSURE;
            }
            at = whitespace(json, keyEnd);
            if (at >= json.length || json[at] != ':') {
                return UNSURE;
            }
            at = whitespace(json, at + 1);
            int valueEnd = plainString(json, at);
            if (valueEnd < 0) {
                return UNSURE;
            }
            if (tenant) {
                return valueEnd - at > MAX_READ ? UNSURE
                        : new String(json, at + 1, valueEnd - at - 2, StandardCharsets.US_ASCII);
            }
            at = whitespace(json, valueEnd);
            if (at >= json.length) {
                return UNSURE;
            }
            if (json[at] == '}') {
                return SubjectTemplate.SINGLE_TENANT;
            }
            if (json[at] != ',') {
                return UNSURE;
            }
            at = whitespace(json, at + 1);
        }
    }

    /** @return the index after a plain string that starts at {@code at} (its closing quote's index + 1), or -1 */
    private static int plainString(byte[] json, int at) {
        if (at >= json.length || json[at] != '"') {
            return -1;
        }
        for (int i = at + 1; i < json.length; i++) {
            byte b = json[i];
            if (b == '"') {
                return i + 1;
            }
            if (b < 0x20 || b > 0x7e || b == '\\') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] json, int at, byte[] prefix) {
        if (json.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (json[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** JSON's four whitespace bytes, as Jackson skips them. */
    private static int whitespace(byte[] json, int at) {
        while (at < json.length) {
            byte b = json[at];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            at++;
        }
        return at;
    }
}
