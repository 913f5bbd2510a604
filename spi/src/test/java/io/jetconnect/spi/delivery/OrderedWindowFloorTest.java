package io.jetconnect.spi.delivery;

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

class OrderedWindowFloorTest {

    @Test
    void advancesOnlyOverContiguousAcknowledgements() {
        OrderedWindow cursor = new OrderedWindow(8, 100);
        // a subject filter leaves holes in the sequences
        long[] tickets = OrderedWindowTest.submit(cursor, 101, 102, 105, 106);

        cursor.succeed(tickets[2]);
        cursor.succeed(tickets[1]);
        OrderedWindowTest.assertAdvances(cursor, 0, 100, "101 is not acknowledged yet");

        cursor.succeed(tickets[0]);
        OrderedWindowTest.assertAdvances(cursor, 3, 105, "101, 102 and 105 are done; 106 is not");
        assertEquals(1, cursor.size());

        cursor.succeed(tickets[3]);
        OrderedWindowTest.assertAdvances(cursor, 1, 106, "106 is done");
        assertEquals(0, cursor.size());
    }

    @Test
    void randomOrderOfAcknowledgementsEndsAtTheLastSequence() {
        OrderedWindow cursor = new OrderedWindow(64, 0);
        List<Long> tokens = new ArrayList<>();
        for (long seq = 1; seq <= 64; seq++) {
            tokens.add(cursor.submit(seq));
        }
        Collections.shuffle(tokens, new Random(7));
        long highestAcked = 0;
        boolean[] acked = new boolean[65];
        for (long token : tokens) {
            cursor.succeed(token);
            acked[(int) token + 1] = true;
            cursor.advance();
            while (highestAcked < 64 && acked[(int) highestAcked + 1]) {
                highestAcked++;
            }
            assertEquals(highestAcked, cursor.floor());
        }
        assertEquals(64, cursor.floor());
    }

    @Test
    void theWindowIsBoundedAndOpensWhenTheOldestIsAcknowledged() throws InterruptedException {
        OrderedWindow cursor = new OrderedWindow(3, 0);
        long first = cursor.submit(1);
        cursor.submit(2);
        long third = cursor.submit(3);
        assertThrows(IllegalStateException.class, () -> cursor.submit(4));
        cursor.succeed(third);
        assertFalse(cursor.awaitRoom(TimeUnit.MILLISECONDS.toNanos(20)), "a later ack does not open the window");

        CountDownLatch acked = new CountDownLatch(1);
        Thread acker = new Thread(() -> {
            cursor.succeed(first);
            acked.countDown();
        });
        acker.start();
        assertTrue(cursor.awaitRoom(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(acked.await(5, TimeUnit.SECONDS));
        assertEquals(1, cursor.floor());
        cursor.submit(4);
        assertEquals(3, cursor.size());
    }

    @Test
    void acknowledgementsFromManyThreadsAllCount() throws InterruptedException {
        int n = 100_000;
        OrderedWindow cursor = new OrderedWindow(1024, 0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (long seq = 1; seq <= n; seq++) {
                assertTrue(cursor.awaitRoom(TimeUnit.SECONDS.toNanos(5)));
                long token = cursor.submit(seq);
                pool.execute(() -> cursor.succeed(token));
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        cursor.advance();
        assertEquals(n, cursor.floor());
        assertEquals(0, cursor.size());
    }

    @Test
    void resetForgetsDeliveries() {
        OrderedWindow cursor = new OrderedWindow(4, 0);
        cursor.submit(1);
        cursor.succeed(cursor.submit(2));
        cursor.reset(50);
        assertEquals(0, cursor.size());
        assertEquals(50, cursor.floor());
        cursor.succeed(cursor.submit(51));
        cursor.advance();
        assertEquals(51, cursor.floor());
    }
}
