package com.example.jetconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class OutcomesTest {

    private static final Duration DEFAULT = Duration.ofSeconds(1);

    private static JetconnectException answer(int status) {
        return Outcomes.ofAnswer(status, Optional.empty(), DEFAULT);
    }

    @Test
    void twoHundredsAreDelivered() {
        assertNull(answer(200));
        assertNull(answer(204));
    }

    @Test
    void serverErrorsTimeoutsAndThrottlingAreRetriable() {
        assertInstanceOf(RetriableException.class, answer(500));
        assertInstanceOf(RetriableException.class, answer(502));
        assertInstanceOf(RetriableException.class, answer(408));
        BackpressureException busy = assertInstanceOf(BackpressureException.class,
                Outcomes.ofAnswer(503, Optional.of("7"), DEFAULT));
        assertEquals(Duration.ofSeconds(7), busy.retryAfter());
        BackpressureException dated = assertInstanceOf(BackpressureException.class,
                Outcomes.ofAnswer(429, Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"), DEFAULT));
        assertEquals(DEFAULT, dated.retryAfter());
    }

    @Test
    void otherClientErrorsAndRedirectsArePermanent() {
        for (int status : new int[] {400, 401, 404, 413, 301}) {
            JetconnectException failure = answer(status);
            assertInstanceOf(JetconnectException.class, failure);
            assertFalse(failure instanceof RetriableException, status + " must be permanent");
        }
    }

    @Test
    void ioFailuresAreRetriableAndOthersPermanent() {
        assertInstanceOf(RetriableException.class,
                Outcomes.ofTransport(new CompletionException(new ConnectException("Connection refused"))));
        assertInstanceOf(RetriableException.class, Outcomes.ofTransport(new HttpTimeoutException("timed out")));
        assertFalse(Outcomes.ofTransport(new IllegalStateException("bug")) instanceof RetriableException);
    }
}
