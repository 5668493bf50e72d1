package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flush waits for one pass begun after it: the one under way at the call does not count. */
class PassesTest {

    @Test
    void idleAtTheCallTheNextPassIsEnough() {
        Passes passes = new Passes();
        passes.begin();
        passes.end();
        long target = passes.wholePassAfterNow();
        assertFalse(passes.reached(target));
        passes.begin();
        assertFalse(passes.reached(target), "begun, not ended");
        passes.end();
        assertTrue(passes.reached(target));
    }

    @Test
    void aPassUnderWayAtTheCallIsNotEnough() {
        Passes passes = new Passes();
        passes.begin();
        long target = passes.wholePassAfterNow(); // this pass may have looked at a loop before the call
        passes.end();
        assertFalse(passes.reached(target));
        passes.begin();
        passes.end();
        assertTrue(passes.reached(target));
        assertTrue(passes.thread() == Thread.currentThread());
    }
}
