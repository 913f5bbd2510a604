package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContiguousCursorTest {

    @Test
    void advancesOnlyOverContiguousAcknowledgements() {
        ContiguousCursor cursor = new ContiguousCursor(8, 100);
        long a = cursor.deliver(101);
        long b = cursor.deliver(102);
        long c = cursor.deliver(105); // a subject filter leaves holes in the sequences
        long d = cursor.deliver(106);

        cursor.acknowledge(c);
        cursor.acknowledge(b);
        assertEquals(0, cursor.advance());
        assertEquals(100, cursor.cursor(), "101 is not acknowledged yet");

        cursor.acknowledge(a);
        assertEquals(3, cursor.advance());
        assertEquals(105, cursor.cursor(), "101, 102 and 105 are done; 106 is not");
        assertEquals(1, cursor.window());

        cursor.acknowledge(d);
        cursor.advance();
        assertEquals(106, cursor.cursor());
        assertEquals(0, cursor.window());
    }

    @Test
    void randomOrderOfAcknowledgementsEndsAtTheLastSequence() {
        ContiguousCursor cursor = new ContiguousCursor(64, 0);
        List<Long> tokens = new ArrayList<>();
        for (long seq = 1; seq <= 64; seq++) {
            tokens.add(cursor.deliver(seq));
        }
        Collections.shuffle(tokens, new Random(7));
        long highestAcked = 0;
        boolean[] acked = new boolean[65];
        for (long token : tokens) {
            cursor.acknowledge(token);
            acked[(int) token + 1] = true;
            cursor.advance();
            while (highestAcked < 64 && acked[(int) highestAcked + 1]) {
                highestAcked++;
            }
            assertEquals(highestAcked, cursor.cursor());
        }
        assertEquals(64, cursor.cursor());
    }

    @Test
    void theWindowIsBoundedAndOpensWhenTheOldestIsAcknowledged() throws InterruptedException {
        ContiguousCursor cursor = new ContiguousCursor(3, 0);
        long first = cursor.deliver(1);
        cursor.deliver(2);
        long third = cursor.deliver(3);
        assertThrows(IllegalStateException.class, () -> cursor.deliver(4));
        cursor.acknowledge(third);
        assertFalse(cursor.awaitRoom(TimeUnit.MILLISECONDS.toNanos(20)), "a later ack does not open the window");

        CountDownLatch acked = new CountDownLatch(1);
        Thread acker = new Thread(() -> {
            cursor.acknowledge(first);
            acked.countDown();
        });
        acker.start();
        assertTrue(cursor.awaitRoom(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(acked.await(5, TimeUnit.SECONDS));
        assertEquals(1, cursor.cursor());
        cursor.deliver(4);
        assertEquals(3, cursor.window());
    }

    @Test
    void acknowledgementsFromManyThreadsAllCount() throws InterruptedException {
        int n = 100_000;
        ContiguousCursor cursor = new ContiguousCursor(1024, 0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (long seq = 1; seq <= n; seq++) {
                assertTrue(cursor.awaitRoom(TimeUnit.SECONDS.toNanos(5)));
                long token = cursor.deliver(seq);
                pool.execute(() -> cursor.acknowledge(token));
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        cursor.advance();
        assertEquals(n, cursor.cursor());
        assertEquals(0, cursor.window());
    }

    @Test
    void resetForgetsDeliveries() {
        ContiguousCursor cursor = new ContiguousCursor(4, 0);
        cursor.deliver(1);
        cursor.acknowledge(cursor.deliver(2));
        cursor.reset(50);
        assertEquals(0, cursor.window());
        assertEquals(50, cursor.cursor());
        cursor.acknowledge(cursor.deliver(51));
        cursor.advance();
        assertEquals(51, cursor.cursor());
    }
}
