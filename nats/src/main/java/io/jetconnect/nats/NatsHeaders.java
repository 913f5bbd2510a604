package io.jetconnect.nats;

/** The header names and values of the CloudEvents NATS binding as jetconnect writes and reads them. */
public final class NatsHeaders {

    /** The prefix of a binary-mode attribute header: {@code ce-<attribute>}, matched case-insensitively. */
    public static final String CE_PREFIX = "ce-";
    /** The header that carries {@code datacontenttype} in binary mode and the event format in structured mode. */
    public static final String CONTENT_TYPE = "content-type";
    /** The structured mode's content type: the CloudEvents JSON format. */
    public static final String STRUCTURED_JSON = "application/cloudevents+json";
    /** JetStream's deduplication header; jetconnect sets it to the event id. */
    public static final String MSG_ID = "Nats-Msg-Id";

    private NatsHeaders() {
    }
}
