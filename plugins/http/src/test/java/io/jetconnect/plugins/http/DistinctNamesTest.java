package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistinctNamesTest {

    @Test
    void aNameMayRepeatOnlyInAnotherObject() {
        DistinctNames names = new DistinctNames();
        names.enter();
        assertTrue(names.add("a"));
        names.enter();
        assertTrue(names.add("a"), "a nested object has names of its own");
        assertFalse(names.add("a"));
        names.leave();
        names.enter();
        assertTrue(names.add("a"), "a sibling object starts afresh");
        names.leave();
        assertFalse(names.add("a"), "the outer object still has its names");
        assertTrue(names.add("b"));
    }

    @Test
    void namesAreComparedByValue() {
        DistinctNames names = new DistinctNames();
        names.enter();
        assertTrue(names.add(new String("name")));
        assertFalse(names.add(new String("name")));
    }

    @Test
    void anObjectWithManyNamesStillRefusesEachRepeat() {
        DistinctNames names = new DistinctNames();
        names.enter();
        for (int i = 0; i < 1000; i++) {
            assertTrue(names.add("k" + i));
            names.enter();
            assertTrue(names.add("k" + i), "nested under an object with " + i + " names");
            names.leave();
        }
        for (int i = 0; i < 1000; i += 37) {
            assertFalse(names.add("k" + i), "k" + i);
        }
    }

    @Test
    void deepNestingGrowsAndClearForgetsEverything() {
        DistinctNames names = new DistinctNames();
        for (int depth = 0; depth < 600; depth++) {
            names.enter();
            assertTrue(names.add("x"));
        }
        names.clear();
        names.enter();
        assertTrue(names.add("x"));
    }
}
