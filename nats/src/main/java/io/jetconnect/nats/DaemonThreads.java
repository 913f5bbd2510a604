package io.jetconnect.nats;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories of the threads the runtime shares among all pipelines: daemons, so they never keep it alive. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** @return a factory of daemon threads named {@code prefix} followed by 1, 2, ... */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
