package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.jetconnect.spi.JetconnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The byte sequence a signature covers, as docs/signing.md specifies it (version 1):
 * <pre>
 *   "jetconnect-sig-v1" 0x00
 *   u32 N                                   number of attributes
 *   N times, by name in ascending byte order:
 *     u32 len(name) name                    ASCII
 *     u32 len(value) value                  UTF-8 of the canonical string
 *   u32 len(data) data                      absent data is 0 bytes
 * </pre>
 * Integers are big-endian. The attributes are every context attribute and extension the event carries except
 * {@code sig}, {@code sigalg} and {@code sigkeyid}; the canonical string of each value is that of the CloudEvents
 * type system, which is what the JSON format and the {@code ce-} headers carry.
 */
final class CanonicalForm {

    /** The extension holding the signature, base64url without padding. */
    static final String SIG = "sig";
    /** The extension holding the algorithm, {@code hmac-sha256} or {@code ed25519}. */
    static final String SIGALG = "sigalg";
    /** The extension holding the key id. */
    static final String SIGKEYID = "sigkeyid";

    private static final byte[] PREFIX = "jetconnect-sig-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> SIGNATURE_ATTRIBUTES = Set.of(SIG, SIGALG, SIGKEYID);

    private CanonicalForm() {
    }

    /**
     * @param event the event; its signature attributes, if any, are ignored
     * @return the canonical bytes
     * @throws JetconnectException if an extension has a name of a context attribute or a value of a type outside
     *     the CloudEvents type system
     */
    static byte[] encode(CloudEvent event) {
        return parts(event).joined();
    }

    /**
     * The canonical bytes in two pieces, so that a MAC can take them one after the other without copying the data
     * into a new array.
     *
     * @param head everything up to and including the data's length
     * @param data the data bytes (the event's own array: not to be changed)
     */
    record Parts(byte[] head, byte[] data) {

        /** @return the canonical bytes in one array */
        byte[] joined() {
            byte[] out = Arrays.copyOf(head, head.length + data.length);
            System.arraycopy(data, 0, out, head.length, data.length);
            return out;
        }
    }

    /**
     * @param event the event; its signature attributes, if any, are ignored
     * @return the canonical bytes as a head and the data
     * @throws JetconnectException as {@link #encode}
     */
    static Parts parts(CloudEvent event) {
        Attributes core = Attributes.of(event.getSpecVersion());
        Set<String> extensionNames = event.getExtensionNames();
        int capacity = core.names.length + extensionNames.size();
        String[] names = new String[capacity];
        byte[][] nameBytes = new byte[capacity][];
        byte[][] values = new byte[capacity][];
        int n = 0;
        // The context attributes come in name order; each extension is then inserted where it sorts.
        for (int i = 0; i < core.names.length; i++) {
            Object value = event.getAttribute(core.names[i]);
            if (value != null) {
                names[n] = core.names[i];
                nameBytes[n] = core.bytes[i];
                values[n++] = text(core.names[i], value).getBytes(StandardCharsets.UTF_8);
            }
        }
        for (String name : extensionNames) {
            if (SIGNATURE_ATTRIBUTES.contains(name)) {
                continue;
            }
            if (core.set.contains(name)) {
                throw new JetconnectException("extension '" + name + "' has the name of a context attribute");
            }
            Object value = event.getExtension(name);
            if (value == null) {
                continue;
            }
            byte[] valueBytes = text(name, value).getBytes(StandardCharsets.UTF_8);
            // Attribute names are lower-case ASCII letters and digits, so String order is byte order.
            int at = n++;
            for (; at > 0 && names[at - 1].compareTo(name) > 0; at--) {
                names[at] = names[at - 1];
                nameBytes[at] = nameBytes[at - 1];
                values[at] = values[at - 1];
            }
            names[at] = name;
            nameBytes[at] = name.getBytes(StandardCharsets.UTF_8);
            values[at] = valueBytes;
        }

        CloudEventData data = event.getData();
        byte[] dataBytes = data == null ? new byte[0] : data.toBytes();
        int size = PREFIX.length + 4 + 4;
        for (int i = 0; i < n; i++) {
            size += 8 + nameBytes[i].length + values[i].length;
        }
        byte[] head = Arrays.copyOf(PREFIX, size);
        int at = putInt(head, PREFIX.length, n);
        for (int i = 0; i < n; i++) {
            at = putField(head, at, nameBytes[i]);
            at = putField(head, at, values[i]);
        }
        putInt(head, at, dataBytes.length);
        return new Parts(head, dataBytes);
    }

    private static int putField(byte[] out, int at, byte[] field) {
        at = putInt(out, at, field.length);
        System.arraycopy(field, 0, out, at, field.length);
        return at + field.length;
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    /** A spec version's context attributes, sorted, with their names' bytes, worked out once. */
    private static final class Attributes {

        private static final Map<SpecVersion, Attributes> BY_VERSION = new EnumMap<>(SpecVersion.class);

        static {
            for (SpecVersion version : SpecVersion.values()) {
                BY_VERSION.put(version, new Attributes(version.getAllAttributes()));
            }
        }

        final Set<String> set;
        final String[] names;
        final byte[][] bytes;

        private Attributes(Set<String> all) {
            this.set = all;
            this.names = all.stream().sorted().toArray(String[]::new);
            this.bytes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
            }
        }

        static Attributes of(SpecVersion version) {
            return BY_VERSION.get(version);
        }
    }

    /**
     * @return the canonical string of an attribute value: strings as they are, URIs as written, times in RFC 3339
     *     as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes them, integers in decimal, booleans as
     *     {@code true}/{@code false}, binary in standard base64 with padding
     */
    static String text(String name, Object value) {
        if (value instanceof String s) {
            return s;
        } else if (value instanceof URI uri) {
            return uri.toString();
        } else if (value instanceof OffsetDateTime time) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
        } else if (value instanceof Integer || value instanceof Boolean) {
            return value.toString();
        } else if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        } else if (value instanceof SpecVersion version) {
            return version.toString();
        } else if (value instanceof Number number) {
            // Not a CloudEvents type, but the SDK accepts it and its JSON format writes it as this string.
            return number.toString();
        }
        throw new JetconnectException("attribute '" + name + "' has a value of type " + value.getClass().getName()
                + ", outside the CloudEvents type system");
    }
}
