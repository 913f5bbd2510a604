package com.example.jetconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.RetriableException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class EnrichmentTest {

    static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType("test.event").build();
    }

    /** Records what reaches it and answers with a stage of the test's choice. */
    static final class Recorder implements EventSink {
        final List<CloudEvent> events = new ArrayList<>();
        CompletableFuture<Void> answer = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            events.add(event);
            return answer;
        }
    }

    private static Map<String, String> attributes(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @Test
    void addsTheConfiguredExtensionsToACopy() {
        Recorder next = new Recorder();
        CloudEvent original = event("e-1");
        new Enrichment(attributes("region", "eu-west-1", "tier", "gold"), false, next).emit(original)
                .toCompletableFuture().join();
        CloudEvent passed = next.events.get(0);
        assertEquals("eu-west-1", passed.getExtension("region"));
        assertEquals("gold", passed.getExtension("tier"));
        assertEquals("e-1", passed.getId());
        assertNull(original.getExtension("region"), "the input event is never mutated");
    }

    @Test
    void keepsTheEventsOwnValueUnlessOverwriteIsOn() {
        CloudEvent tagged = CloudEventBuilder.from(event("e-2")).withExtension("region", "us-east-1").build();
        Recorder keep = new Recorder();
        new Enrichment(attributes("region", "eu-west-1"), false, keep).emit(tagged);
        assertSame(tagged, keep.events.get(0), "nothing to add: the event passes as it is");
        Recorder replace = new Recorder();
        new Enrichment(attributes("region", "eu-west-1"), true, replace).emit(tagged);
        assertEquals("eu-west-1", replace.events.get(0).getExtension("region"));
    }

    @Test
    void passesTheNextSinksOutcomeThrough() {
        Recorder next = new Recorder();
        next.answer = CompletableFuture.failedFuture(new RetriableException("broker away"));
        CompletableFuture<Void> stage = new Enrichment(attributes("region", "x"), false, next).emit(event("e-3"))
                .toCompletableFuture();
        CompletionException failure = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                stage::join);
        assertTrue(failure.getCause() instanceof RetriableException, failure.toString());
    }
}
