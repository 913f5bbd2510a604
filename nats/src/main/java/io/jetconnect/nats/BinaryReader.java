package io.jetconnect.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.nats.client.impl.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binary mode: the SDK's builder takes each {@code ce-} header as a context attribute (it parses {@code time} and
 * the URIs, and checks extension names), the values percent-decoded. {@code Content-Type} is kept as it is: the
 * writer does not encode it, and the binding has it carry {@code datacontenttype}.
 */
final class BinaryReader {

    private static final String DATACONTENTTYPE = "datacontenttype";
    private static final String SPECVERSION = "specversion";

    private BinaryReader() {
    }

    static CloudEvent read(Headers headers, String specVersion, byte[] payload) throws InvalidMessageException {
        SpecVersion version;
        try {
            version = SpecVersion.parse(PercentCoding.decode(specVersion));
        } catch (RuntimeException e) {
            throw new InvalidMessageException(InvalidMessageException.BINARY, "unknown ce-specversion");
        }
        try {
            CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(version);
            boolean legacyContentType = false;
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                String key = entry.getKey();
                if (!NatsEventReader.isCloudEventsHeader(key) || entry.getValue().isEmpty()) {
                    continue;
                }
                String name = key.substring(NatsHeaders.CE_PREFIX.length()).toLowerCase(Locale.ROOT);
                if (name.equals(SPECVERSION)) {
                    continue;
                }
                legacyContentType |= name.equals(DATACONTENTTYPE);
                builder.withContextAttribute(name, PercentCoding.decode(entry.getValue().get(0)));
            }
            String contentType = NatsEventReader.header(headers, NatsHeaders.CONTENT_TYPE);
            if (!legacyContentType && contentType != null) {
                builder.withDataContentType(contentType);
            }
            if (payload.length > 0) {
                builder.withData(payload);
            }
            return builder.build();
        } catch (RuntimeException e) {
            // CloudEventRWException for a bad value, IllegalStateException for a missing required attribute.
            throw new InvalidMessageException(InvalidMessageException.BINARY,
                    "not a CloudEvent in binary mode: " + NatsEventReader.rootMessage(e));
        }
    }
}
