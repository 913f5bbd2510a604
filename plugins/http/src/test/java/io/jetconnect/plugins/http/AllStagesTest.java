package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllStagesTest {

    private static CompletableFuture<?>[] stages(int n) {
        return IntStream.range(0, n).mapToObj(i -> new CompletableFuture<Void>()).toArray(CompletableFuture[]::new);
    }

    @Test
    void stagesAlreadyCompleteGiveACompleteStage() {
        CompletableFuture<?>[] stages = {CompletableFuture.completedFuture(null),
            CompletableFuture.failedFuture(new IllegalStateException("refused"))};

        CompletableFuture<Void> all = AllStages.of(stages);

        assertTrue(all.isDone());
        assertFalse(all.isCompletedExceptionally());
    }

    @Test
    void noStagesGiveACompleteStage() {
        assertTrue(AllStages.of(new CompletableFuture<?>[0]).isDone());
    }

    @ParameterizedTest
    @ValueSource(strings = {"in order", "reversed", "shuffled"})
    void completesWithTheLastStageWhateverTheOrder(String order) {
        CompletableFuture<?>[] stages = stages(50);
        List<Integer> positions = new ArrayList<>(IntStream.range(0, 50).boxed().toList());
        if (order.equals("reversed")) {
            Collections.reverse(positions);
        } else if (order.equals("shuffled")) {
            Collections.shuffle(positions, new Random(7));
        }
        CompletableFuture<Void> all = AllStages.of(stages);

        for (int i = 0; i < positions.size(); i++) {
            assertFalse(all.isDone(), () -> "done before the last stage, " + order);
            CompletableFuture<?> stage = stages[positions.get(i)];
            if (i % 3 == 0) {
                stage.completeExceptionally(new IllegalStateException("failed"));
            } else {
                stage.complete(null);
            }
        }

        assertTrue(all.isDone());
        assertFalse(all.isCompletedExceptionally(), "failures are for the caller to read off the stages");
    }

    @Test
    void completesOnceWhenManyThreadsCompleteTheStages() throws Exception {
        int n = 20_000;
        CompletableFuture<?>[] stages = stages(n);
        AtomicInteger completions = new AtomicInteger();
        CompletableFuture<Void> all = AllStages.of(stages);
        all.thenRun(completions::incrementAndGet);
        List<Integer> positions = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(positions, new Random(11));
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = first; i < n; i += threads) {
                    stages[positions.get(i)].complete(null);
                }
            });
            worker.start();
            workers.add(worker);
        }

        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        all.get(10, TimeUnit.SECONDS);
        assertEquals(1, completions.get());
    }
}
