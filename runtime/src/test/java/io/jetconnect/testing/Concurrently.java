package io.jetconnect.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a step on several threads at once, as the runtime calls an element from its HTTP workers. */
public final class Concurrently {

    /** One call of the step: the thread's number and the call's number on that thread. */
    @FunctionalInterface
    public interface Step {
        void run(int thread, int call) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code step} {@code calls} times on each of {@code threads} threads, and returns once every call has;
     * the first failure of a call is rethrown (wrapped in an {@code ExecutionException}).
     */
    public static void run(int threads, int calls, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        step.run(thread, i);
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
