package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.jetconnect.nats.EventTenant;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fills a missing tenant into an event's data, where {@link EventTenant} (the rule the jetstream sink stores events
 * by) finds it: written as the data's first member, or over a {@code null} value, at the place its
 * {@link EventTenant.Fillable} reading names. Stateless and thread-safe.
 */
final class TenantFill {

    private TenantFill() {
    }

    /**
     * @param event an event whose {@link EventTenant#read(io.cloudevents.CloudEvent) reading} is fillable
     * @param fillable where to write
     * @param tenant the tenant to write, one valid subject token
     * @return a copy of the event whose data names {@code tenant}
     */
    static CloudEvent fill(CloudEvent event, EventTenant.Fillable fillable, String tenant) {
        byte[] quoted = quoted(tenant);
        byte[] data;
        if (fillable.at() < 0) {
            data = concat(bytes("{"), bytes("\"" + EventTenant.FIELD + "\":"), quoted, bytes("}"));
        } else {
            byte[] old = event.getData().toBytes();
            boolean empty = fillable.replace() == 0 && firstAfterWhitespace(old, fillable.at()) == '}';
            byte[] inserted = fillable.replace() > 0 ? quoted
                    : concat(bytes("\"" + EventTenant.FIELD + "\":"), quoted, bytes(empty ? "" : ","));
            ByteArrayOutputStream out = new ByteArrayOutputStream(old.length + inserted.length);
            out.write(old, 0, fillable.at());
            out.writeBytes(inserted);
            int resume = fillable.at() + fillable.replace();
            out.write(old, resume, old.length - resume);
            data = out.toByteArray();
        }
        return CloudEventBuilder.from(event).withData(BytesCloudEventData.wrap(data)).build();
    }

    private static int firstAfterWhitespace(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
        }
        return -1;
    }

    private static byte[] quoted(String text) {
        return concat(bytes("\""), JsonStringEncoder.getInstance().quoteAsUTF8(text), bytes("\""));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
