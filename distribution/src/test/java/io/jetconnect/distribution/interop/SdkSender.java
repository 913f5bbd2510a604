package io.jetconnect.distribution.interop;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends events the way a client that uses the CloudEvents SDK's HTTP binding does: the SDK's HTTP message writer
 * makes the headers and the body (binary or structured mode), and a batch is a JSON array of the SDK's JSON format.
 * The JDK's HTTP client carries them as they are (it adds no {@code Content-Type} of its own).
 */
final class SdkSender {

    /** The HTTP binding's modes, and the batch format. */
    enum Mode { BINARY, STRUCTURED, BATCH }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    SdkSender(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** @return each event's id and the status of the request that carried it ("202", or the status and body) */
    Map<String, String> send(Mode mode, Collection<CloudEvent> events) throws IOException, InterruptedException {
        Map<String, String> statuses = new LinkedHashMap<>();
        if (mode == Mode.BATCH) {
            JsonFormat format = new JsonFormat();
            StringBuilder batch = new StringBuilder("[");
            for (CloudEvent event : events) {
                batch.append(batch.length() == 1 ? "" : ",")
                        .append(new String(format.serialize(event), StandardCharsets.UTF_8));
            }
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/cloudevents-batch+json")
                    .POST(HttpRequest.BodyPublishers.ofString(batch.append(']').toString())).build();
            String status = status(request);
            events.forEach(event -> statuses.put(event.getId(), status));
            return statuses;
        }
        for (CloudEvent event : events) {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30));
            AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
            var writer = HttpMessageFactory.createWriter(request::header,
                    bytes -> body.set(bytes == null ? new byte[0] : bytes));
            if (mode == Mode.BINARY) {
                writer.writeBinary(event);
            } else {
                writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
            }
            request.POST(HttpRequest.BodyPublishers.ofByteArray(body.get()));
            statuses.put(event.getId(), status(request.build()));
        }
        return statuses;
    }

    private String status(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 202 ? "202" : response.statusCode() + " " + response.body();
    }
}
