package io.jetconnect.plugins.http;

import io.jetconnect.spi.IngressRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body into one exactly sized array, refusing with 413 a body over the limit: first by its
 * {@code Content-Length}, without reading it, then while reading, since a chunked body declares no length and may
 * go on for ever. Never reads more than the limit plus one byte.
 */
final class BodyReader {

    private final int maxBytes;

    BodyReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Refuses a request whose declared length is over the limit; cheap, call it before anything else. */
    void checkDeclaredLength(IngressRequest request) {
        if (request.contentLength() > maxBytes) {
            throw tooLarge();
        }
    }

    /** @return the whole body */
    byte[] read(IngressRequest request) {
        checkDeclaredLength(request);
        long declared = request.contentLength();
        InputStream in = request.body();
        try {
            if (declared >= 0) {
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw RequestRejection.invalid("the body ended before Content-Length bytes", 0);
                }
                return body;
            }
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw RequestRejection.invalid("could not read the request body", 0);
        }
    }

    private RequestRejection tooLarge() {
        return RequestRejection.tooLarge("the request body is larger than " + maxBytes + " bytes");
    }
}
