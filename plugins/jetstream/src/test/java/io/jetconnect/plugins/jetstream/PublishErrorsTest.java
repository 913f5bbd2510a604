package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.plugins.jetstream.PublishErrors.Kind;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ApiResponse;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PublishErrorsTest {

    /** Builds the exception jnats throws, from the JSON a server answers with. */
    private static JetStreamApiException api(int code, int apiCode, String description) {
        String json = "{\"error\":{\"code\":" + code + ",\"err_code\":" + apiCode + ",\"description\":\""
                + description + "\"}}";
        try {
            return new JetStreamApiException(new ApiResponse<Object>(JsonParser.parse(json)) {
            }.getErrorObject());
        } catch (JsonParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void transportFailuresAreRetriableAndEndTheConnection() {
        assertEquals(Kind.TRANSPORT, PublishErrors.classify(new IOException("Error Publishing: 503 No Responders"))
                .kind());
        assertEquals(Kind.TRANSPORT, PublishErrors.classify(new CompletionException(new CancellationException(
                "Future cancelled, connection closing."))).kind());
        assertEquals(Kind.TRANSPORT, PublishErrors.classify(new TimeoutException("no response")).kind());
        assertEquals(Kind.TRANSPORT, PublishErrors.classify(new IllegalStateException("Connection is Closed"))
                .kind());
    }

    @Test
    void jnatsWrappingIsUnwrapped() {
        Throwable wrapped = new CompletionException(new RuntimeException(api(400, 10054,
                "message size exceeds maximum allowed")));
        PublishErrors.Failure failure = PublishErrors.classify(wrapped);
        assertEquals(Kind.PERMANENT, failure.kind());
        assertTrue(failure.message().contains("10054"), failure.message());
    }

    @Test
    void wrappersInsideJnatsWrappingAreUnwrappedToo() {
        JetStreamApiException refusal = api(400, 10109, "sealed");
        assertSame(refusal, PublishErrors.unwrap(new ExecutionException(new RuntimeException(
                new CompletionException(refusal)))));
        RuntimeException ours = new RuntimeException("no cause");
        assertSame(ours, PublishErrors.unwrap(new CompletionException(ours)), "a plain one without a cause stays");
    }

    @Test
    void apiCodesDecide() {
        assertEquals(Kind.RETRIABLE, PublishErrors.classify(api(503, 10077, "maximum messages exceeded")).kind());
        assertEquals(Kind.RETRIABLE, PublishErrors.classify(api(500, 10047, "insufficient storage")).kind());
        assertEquals(Kind.RETRIABLE, PublishErrors.classify(api(400, 10002, "resource limits exceeded")).kind());
        assertEquals(Kind.RETRIABLE, PublishErrors.classify(api(503, 99999, "something new, 5xx")).kind());
        assertEquals(Kind.PERMANENT, PublishErrors.classify(api(400, 10060, "expected stream does not match"))
                .kind());
        assertEquals(Kind.PERMANENT, PublishErrors.classify(api(400, 10071, "wrong last sequence: 3")).kind());
        assertEquals(Kind.PERMANENT, PublishErrors.classify(api(400, 10070, "wrong last msg ID: x")).kind());
        assertEquals(Kind.PERMANENT, PublishErrors.classify(api(400, 10109, "sealed")).kind());
        assertEquals(Kind.PERMANENT, PublishErrors.classify(api(400, 99998, "something new, 4xx")).kind());
    }

    @Test
    void clientSideRefusalsArePermanent() {
        PublishErrors.Failure failure = PublishErrors.classify(new IllegalArgumentException(
                "Message payload size exceed server configuration 2000000 vs 1048576"));
        assertTrue(failure.permanent());
    }

    @Test
    void credentialsNeverReachMessages() {
        PublishErrors.Failure failure = PublishErrors.classify(new IOException(
                "Unable to connect to nats://alice:s3cret@host:4222, tls://tok@other:4443"));
        assertFalse(failure.message().contains("s3cret"), failure.message());
        assertFalse(failure.message().contains("tok@"), failure.message());
        assertTrue(failure.message().contains("nats://***@host:4222"), failure.message());
    }
}
