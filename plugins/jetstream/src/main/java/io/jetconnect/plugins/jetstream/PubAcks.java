package io.jetconnect.plugins.jetstream;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the server's reply to a publish: stored, stored before (a duplicate of an earlier {@code Nats-Msg-Id}), or
 * refused.
 *
 * <p>Why not jnats' {@code publishAsync}: for every PubAck it parses the reply into a map of JSON values, builds a
 * {@link PublishAck} and chains two more futures, on the thread that delivers every reply; that was about a quarter
 * of that thread's time. The sink needs one bit of a successful PubAck, so the usual shape,
 * {@code {"stream":"S","seq":N}} with an optional {@code "duplicate":true} (and the spaces nats-server puts in), is
 * read by a byte scan here. Any other reply, errors above all, goes to {@link PublishAck} as before, so refusals
 * carry jnats' own {@link JetStreamApiException}. {@code PubAcksTest} holds the scan to jnats' answer.
 */
final class PubAcks {

    /** The scan's answers: the reply is a PubAck of a new message, of a duplicate, or of another shape. */
    static final int STORED = 0;
    static final int DUPLICATE = 1;
    static final int OTHER = -1;

    private static final byte[] STREAM = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DUPLICATE_KEY = "\"duplicate\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    /** Longer numbers go to jnats, which reads the sequence as a long. */
    private static final int MAX_SEQ_DIGITS = 18;

    private PubAcks() {
    }

    /**
     * @param reply the reply to a publish
     * @return whether the stream already held a message with the event's {@code Nats-Msg-Id}
     * @throws IOException if the reply is a status (no responders) or not a PubAck, as jnats' publish says
     * @throws JetStreamApiException if the server refused the message
     */
    static boolean duplicate(Message reply) throws IOException, JetStreamApiException {
        if (reply.isStatusMessage()) {
            throw new IOException("Error Publishing: " + reply.getStatus().getMessageWithCode());
        }
        int scanned = scan(reply.getData());
        if (scanned != OTHER) {
            return scanned == DUPLICATE;
        }
        return new PublishAck(reply).isDuplicate();
    }

    /** @return {@link #STORED}, {@link #DUPLICATE} or, for anything but the usual shape, {@link #OTHER} */
    static int scan(byte[] json) {
        if (json == null) {
            return OTHER;
        }
        int at = spaces(json, 0);
        if (at >= json.length || json[at] != '{') {
            return OTHER;
        }
        at = member(json, at + 1, STREAM);
        if (at < 0 || at >= json.length || json[at] != '"') {
            return OTHER;
        }
        int nameStart = ++at;
        while (at < json.length && json[at] != '"') {
            byte b = json[at];
            if (b < 0x21 || b > 0x7e || b == '\\') {
                return OTHER;
            }
            at++;
        }
        if (at == nameStart || at >= json.length) {
            return OTHER;
        }
        at = comma(json, at + 1);
        if (at < 0) {
            return OTHER;
        }
        at = member(json, at, SEQ);
        if (at < 0) {
            return OTHER;
        }
        int digitsStart = at;
        while (at < json.length && json[at] >= '0' && json[at] <= '9') {
            at++;
        }
        int digits = at - digitsStart;
        if (digits == 0 || digits > MAX_SEQ_DIGITS || digits > 1 && json[digitsStart] == '0') {
            return OTHER;
        }
        int result = STORED;
        at = spaces(json, at);
        if (at < json.length && json[at] == ',') {
            at = member(json, at + 1, DUPLICATE_KEY);
            if (at < 0) {
                return OTHER;
            }
            if (startsWith(json, at, TRUE)) {
                result = DUPLICATE;
                at += TRUE.length;
            } else if (startsWith(json, at, FALSE)) {
                at += FALSE.length;
            } else {
                return OTHER;
            }
            at = spaces(json, at);
        }
        if (at >= json.length || json[at] != '}') {
            return OTHER;
        }
        return spaces(json, at + 1) == json.length ? result : OTHER;
    }

    /** @return the index of the value after {@code "key":} (spaces allowed around both), or -1 */
    private static int member(byte[] json, int at, byte[] key) {
        at = spaces(json, at);
        if (!startsWith(json, at, key)) {
            return -1;
        }
        at = spaces(json, at + key.length);
        if (at >= json.length || json[at] != ':') {
            return -1;
        }
        return spaces(json, at + 1);
    }

    /** @return the index after a comma (spaces allowed around it), or -1 */
    private static int comma(byte[] json, int at) {
        at = spaces(json, at);
        return at < json.length && json[at] == ',' ? at + 1 : -1;
    }

    private static int spaces(byte[] json, int at) {
        while (at < json.length && (json[at] == ' ' || json[at] == '\t' || json[at] == '\r' || json[at] == '\n')) {
            at++;
        }
        return at;
    }

    private static boolean startsWith(byte[] json, int at, byte[] literal) {
        return at + literal.length <= json.length
                && Arrays.equals(json, at, at + literal.length, literal, 0, literal.length);
    }
}
