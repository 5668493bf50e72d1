package dev.loopwatch.bridge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's blocking-call logic, driven directly on a thread registered as a loop. */
class BlockingRingTest {

    private static <T> T onLoop(java.util.function.Function<BlockingRing, T> body) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            LoopSlot slot = Loops.enterLoop(null);
            try {
                result[0] = body.apply(Blocking.ringOf(slot));
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                Loops.exitLoop(slot);
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    @Test
    void notALoopGetsNoRing() {
        assertNull(Blocking.enter());
        assertNull(Blocking.allowEnter());
        Blocking.enterHeld(); // no ring, nothing to hold: no exception either
        Blocking.exitHeld(1);
    }

    @Test
    void callIsRecordedWithStackThenNestedAndAllowedOnesAreNot() throws Exception {
        List<String> seen = onLoop(ring -> {
            BlockingRing outer = Blocking.enter();
            assertSame(ring, outer);
            assertNull(Blocking.enter(), "nested call inside a recorded one");
            outer.end(3);
            BlockingRing allowed = Blocking.allowEnter();
            assertNull(Blocking.enter(), "inside an allow-listed method");
            allowed.allowExit();
            assertNotNull(Blocking.enter());
            ring.end(4);
            List<String> out = new ArrayList<>();
            ring.drain((call, start, end, stack, handler) -> out.add(call + ":" + (end >= start) + ":" + (stack != null)));
            assertEquals(1, ring.count(3));
            assertEquals(2, ring.total());
            return out;
        });
        assertEquals(List.of("3:true:true", "4:true:true"), seen);
    }

    @Test
    void stacksAreBudgetedButEveryCallIsCounted() throws Exception {
        int[] withStack = new int[1];
        long began = System.nanoTime();
        long count = onLoop(ring -> {
            for (int i = 0; i < 1000; i++) {
                Blocking.enter();
                ring.end(1);
                if (i % 100 == 0) {
                    ring.drain((call, start, end, stack, handler) -> withStack[0] += stack == null ? 0 : 1);
                }
            }
            ring.drain((call, start, end, stack, handler) -> withStack[0] += stack == null ? 0 : 1);
            return ring.count(1);
        });
        long refills = (System.nanoTime() - began) / BlockingRing.STACK_INTERVAL_NANOS; // a loaded machine is slow
        assertEquals(1000, count);
        assertTrue(withStack[0] >= BlockingRing.STACK_BURST && withStack[0] <= BlockingRing.STACK_BURST + refills,
                "a burst of stacks, then one per interval: " + withStack[0]);
    }

    @Test
    void ringFullDropsEntriesButNotCounts() throws Exception {
        long[] r = onLoop(ring -> {
            for (int i = 0; i < BlockingRing.SIZE + 10; i++) {
                Blocking.enter();
                ring.end(2);
            }
            int drained = ring.drain((call, start, end, stack, handler) -> { });
            return new long[] {drained, ring.count(2), ring.overflow()};
        });
        assertEquals(BlockingRing.SIZE, r[0]);
        assertEquals(BlockingRing.SIZE + 10, r[1]);
        assertEquals(10, r[2]);
    }

    @Test
    void literalAddressesAreNoLookup() {
        for (String literal : new String[] {"127.0.0.1", "::1", "[::1]", "10.0.0.255"}) {
            assertTrue(Blocking.isLiteral(literal), literal);
        }
        for (String name : new String[] {"localhost", "example.com", "1password.com"}) {
            assertEquals(false, Blocking.isLiteral(name), name);
        }
    }

    @Test
    void aChannelsBeginAndEndPairRecordsOneCallAndNeverEndsAnotherOne() throws Exception {
        List<String> seen = onLoop(ring -> {
            Blocking.enterHeld();
            assertNull(Blocking.enter(), "the channel operation is in progress");
            Blocking.exitHeld(5);
            Blocking.exitHeld(6); // an end without its begin (a non-blocking begin is not advised): nothing
            BlockingRing outer = Blocking.enter();
            Blocking.enterHeld(); // inside a recorded call: not held ...
            Blocking.exitHeld(7); // ... so its end leaves the outer call alone
            outer.end(8);
            List<String> out = new ArrayList<>();
            ring.drain((call, start, end, stack, handler) -> out.add(String.valueOf(call)));
            return out;
        });
        assertEquals(List.of("5", "8"), seen);
    }
}
