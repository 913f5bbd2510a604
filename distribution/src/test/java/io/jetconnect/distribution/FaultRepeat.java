package io.jetconnect.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs a {@link FaultTest} {@code fault.repeat} times (system property, default 1). With {@code fault.stress=true}
 * each repetition runs while one busy-spinning daemon thread per spare core (all cores but one, at least one
 * thread) competes with the runtime, the broker and the clients: a fault test must pass with the machine busy, and
 * timing-dependent losses show up more often there. {@link #current()} names the repetition for the figures line.
 */
final class FaultRepeat implements TestTemplateInvocationContextProvider {

    /** Which repetition is running, for {@link Figures#line()}; "" outside a {@link FaultTest}. */
    private static volatile String current = "";

    static String current() {
        return current;
    }

    static int repeat() {
        int n = Integer.parseInt(System.getProperty("fault.repeat", "1").trim());
        if (n < 1) {
            throw new IllegalArgumentException("fault.repeat must be at least 1, not " + n);
        }
        return n;
    }

    static boolean stress() {
        return Boolean.parseBoolean(System.getProperty("fault.stress", "false").trim());
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(FaultTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        int n = repeat();
        boolean stress = stress();
        return IntStream.rangeClosed(1, n).mapToObj(i -> invocation(i, n, stress));
    }

    private static TestTemplateInvocationContext invocation(int index, int of, boolean stress) {
        String label = "repetition " + index + "/" + of + (stress ? ", stressed" : "");
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return label;
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new Repetition(label, stress));
            }
        };
    }

    /** One repetition: publishes its label and, when stressed, spins the spare cores from before to after it. */
    private static final class Repetition implements BeforeEachCallback, AfterEachCallback {

        private final String label;
        private final boolean stress;
        private final List<Thread> spinners = new ArrayList<>();
        private volatile boolean spinning;

        Repetition(String label, boolean stress) {
            this.label = label;
            this.stress = stress;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            current = label;
            if (stress) {
                spinning = true;
                int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
                for (int i = 0; i < threads; i++) {
                    Thread t = new Thread(this::spin, "fault-stress-" + i);
                    t.setDaemon(true);
                    t.setPriority(Thread.NORM_PRIORITY);
                    spinners.add(t);
                    t.start();
                }
                System.out.println("fault stress: " + threads + " busy thread(s) on "
                        + Runtime.getRuntime().availableProcessors() + " core(s) for " + context.getDisplayName());
            }
        }

        private void spin() {
            long x = 0;
            while (spinning) {
                // Pure computation: keeps a core busy without allocating or touching the disk.
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            if (x == 42) {
                System.out.print("");
            }
        }

        @Override
        public void afterEach(ExtensionContext context) throws InterruptedException {
            spinning = false;
            for (Thread t : spinners) {
                t.join(5_000);
            }
            spinners.clear();
            current = "";
        }
    }
}
