package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import dev.loopwatch.core.report.StallTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stacks a watchdog scan takes together ({@link LoopStacks}, {@link StallReports#takeStacks}), from real loop
 * threads each waiting in a method of its own: each stack is its own thread's, in one VM operation or one by one,
 * and a stack taken after its task ended is not the task's.
 */
class LoopStacksTest {
    /** JDK classes only: the culprit is then this test's method the loop waits in. */
    private final StackAnalyzer analyzer = new StackAnalyzer(List.of("java.", "jdk.", "sun."), 64);
    private final List<Report> reports = new CopyOnWriteArrayList<>();

    @Test
    void eachWalkOfAnotherThreadIsASafepointUpToJdk18() {
        assertTrue(LoopStacks.eachWalkIsASafepoint(17));
        assertTrue(LoopStacks.eachWalkIsASafepoint(18));
        assertFalse(LoopStacks.eachWalkIsASafepoint(19)); // a handshake (JEP 425)
        assertFalse(LoopStacks.eachWalkIsASafepoint(21));
        assertFalse(LoopStacks.eachWalkIsASafepoint(25));
    }

    @ParameterizedTest(name = "batch={0}")
    @ValueSource(booleans = {true, false})
    void eachStackIsItsOwnThreadsAndAThreadThatEndedHasNone(boolean batch) throws Exception {
        LoopStacks stacks = stacks(batch);
        try (LoopInTask a = new LoopInTask("stacks-a", 0); LoopInTask b = new LoopInTask("stacks-b", 1);
             LoopInTask c = new LoopInTask("stacks-c", 2)) {
            Thread ended = new Thread(() -> { }, "stacks-ended");
            ended.start();
            ended.join();
            // Not in the order they were made: each stack must land at its own thread's index.
            Thread[] threads = {c.thread, ended, a.thread, b.thread};
            StackTraceElement[][] taken = new StackTraceElement[threads.length][];
            stacks.take(threads, taken, threads.length);
            assertEquals("inThird", culpritMethod(taken[0]), Arrays.toString(taken[0]));
            assertEquals(0, taken[1].length, Arrays.toString(taken[1]));
            assertEquals("inFirst", culpritMethod(taken[2]), Arrays.toString(taken[2]));
            assertEquals("inSecond", culpritMethod(taken[3]), Arrays.toString(taken[3]));
        }
    }

    @Test
    void stallsAreReportedFromOneBatchEachWithItsOwnLoopsStackAndATaskThatEndedBeforeItsStackIsUnknown()
            throws Exception {
        StallReports stalls = new StallReports(analyzer, reports::add, new StallAction(null), stacks(true));
        long now = System.nanoTime();
        try (LoopInTask a = new LoopInTask("batch-a", 0); LoopInTask b = new LoopInTask("batch-b", 1);
             LoopInTask c = new LoopInTask("batch-c", 2)) {
            for (LoopInTask loop : List.of(a, b, c)) {
                stalls.stall(loop.slot, loop.watch(now), loop.seq, now, ms(1), ms(1));
            }
            b.endTask(); // after its handler was read and before its stack is taken: its stack shows afterTask
            stalls.takeStacks();

            assertEquals(3, reports.size(), reports.toString());
            Report ofA = reportOf("batch-a");
            Report ofB = reportOf("batch-b");
            Report ofC = reportOf("batch-c");
            assertEquals(ReportType.STALL, ofA.type());
            assertEquals("inFirst", ofA.culprit() == null ? ofA.toString() : ofA.culprit().getMethodName());
            assertEquals("inThird", ofC.culprit() == null ? ofC.toString() : ofC.culprit().getMethodName());
            assertEquals("unknown task", ofB.task(), ofB.toString());
            assertNull(ofB.culprit(), ofB.toString());
            assertEquals(List.of(), ofB.stack());
        }
    }

    @ParameterizedTest(name = "batch={0}")
    @ValueSource(booleans = {true, false})
    void aSampleTakenAfterItsTaskEndedIsNotInTheStallsProfile(boolean batch) throws Exception {
        StallReports stalls = new StallReports(analyzer, reports::add, new StallAction(null), stacks(batch));
        long now = System.nanoTime();
        try (LoopInTask a = new LoopInTask("sample-a", 0); LoopInTask b = new LoopInTask("sample-b", 1)) {
            Watch wa = a.watch(now);
            Watch wb = b.watch(now);
            stalls.stall(a.slot, wa, a.seq, now, ms(1), ms(1));
            stalls.stall(b.slot, wb, b.seq, now, ms(1), ms(1));
            stalls.takeStacks();
            stalls.sample(a.slot, wa, a.seq, now + ms(2));
            stalls.sample(b.slot, wb, b.seq, now + ms(2));
            b.endTask();
            stalls.takeStacks();

            assertEquals(List.of("inFirst"), places(wa.profile.end(now + ms(3))));
            assertEquals(List.of("inSecond"), places(wb.profile.end(now + ms(3))));
        }
    }

    private LoopStacks stacks(boolean batch) {
        LoopStacks stacks = new LoopStacks(batch);
        if (batch) {
            stacks.makeBatch(); // here, not on a thread of its own: the test's scans must batch from the first
            assertTrue(stacks.batching());
        }
        return stacks;
    }

    private Report reportOf(String thread) {
        return reports.stream().filter(r -> r.thread().equals(thread)).findFirst()
                .orElseThrow(() -> new AssertionError("no report of " + thread + ": " + reports));
    }

    /** The methods of a stall's profile, from their frames (class.method(File:line)). */
    private static List<String> places(StallTime time) {
        return time.profile().stream().map(e -> e.what().replaceAll("\\(.*", "").replaceAll(".*\\.", ""))
                .collect(Collectors.toList());
    }

    private String culpritMethod(StackTraceElement[] stack) {
        StackTraceElement culprit = analyzer.culprit(stack);
        return culprit == null ? null : culprit.getMethodName();
    }

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /**
     * A registered loop thread in one task, waiting in a method of its own ({@code inFirst}, ...) until
     * {@link #endTask}; then in {@code afterTask}, its task ended, until closed.
     */
    private static final class LoopInTask implements AutoCloseable {
        final Thread thread;
        private final CountDownLatch inTask = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);
        private final CountDownLatch leave = new CountDownLatch(1);
        volatile LoopSlot slot;
        volatile long seq;

        LoopInTask(String name, int place) throws InterruptedException {
            thread = new Thread(() -> {
                LoopSlot own = Loops.enterLoop(LoopStacksTest.class);
                try {
                    LoopSlot task = Loops.beginTask();
                    slot = own;
                    seq = own.seq();
                    inTask.countDown();
                    if (place == 0) {
                        inFirst(release);
                    } else if (place == 1) {
                        inSecond(release);
                    } else {
                        inThird(release);
                    }
                    task.end();
                    ended.countDown();
                    afterTask(leave);
                } finally {
                    Loops.exitLoop(own);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
            assertTrue(inTask.await(10, TimeUnit.SECONDS));
            awaitWaiting();
            assertEquals(1, seq & 1L, "in a task");
        }

        Watch watch(long now) {
            Watch w = new Watch();
            w.seq = seq;
            w.start = now - ms(5);
            w.lastSeen = now;
            return w;
        }

        /** Ends the task and waits until the thread waits in afterTask. */
        void endTask() throws InterruptedException {
            release.countDown();
            assertTrue(ended.await(10, TimeUnit.SECONDS));
            awaitWaiting();
            assertTrue(slot.seq() != seq, "the task ended");
        }

        private void awaitWaiting() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "waits: " + thread.getState());
                Thread.sleep(1);
            }
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            leave.countDown();
            thread.join(10_000);
        }
    }

    // Each loop waits in a method of its own, so that its stack tells which loop it was taken from (the wait itself
    // inline: a helper method would be the stack's culprit).

    static void inFirst(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void inSecond(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void inThird(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void afterTask(CountDownLatch leave) {
        try {
            leave.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
