package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench's HTTP client reads keep-alive responses one after another, whatever their framing. */
class HttpResponseReadTest {

    @Test
    void contentLengthAndChunkedResponsesFollowOneAnother() throws IOException {
        String two = "HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\nContent-Type: application/json\r\n\r\n"
                + "{\"accepted\":100}"
                + "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"
                + "HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n";
        InputStream in = new ByteArrayInputStream(two.getBytes(StandardCharsets.US_ASCII));
        assertEquals(202, HttpIngestCase.readResponse(in));
        assertEquals(503, HttpIngestCase.readResponse(in));
        assertEquals(202, HttpIngestCase.readResponse(in));
        assertEquals(-1, in.read());
    }
}
