package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.LoopWatchConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code task.histogram=exact}: loop threads that mark their tasks through the bridge, as instrumented Netty would, time
 * each one into their own histogram, and the watchdog's snapshot merges them per group, loops gone included. Turning
 * the exact mode on cannot be undone in a JVM: the other tests' loops time their tasks too, which they do not look at.
 */
class ExactTaskTimesTest {
    private static final int SHORT = 500;
    private static final int LONG = 3;
    private static final long LONG_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private final Watchdog watchdog = new Watchdog(TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1),
            new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64), r -> { });
    private final Thread watchdogThread = new Thread(watchdog, "test-watchdog");

    @AfterEach
    void stop() throws InterruptedException {
        watchdog.stop();
        watchdogThread.join(2000);
    }

    @Test
    void everyTaskOfAGroupsLoopsIsTimedAndStaysCountedWhenItsLoopLeaves() throws Exception {
        Loops.enableTaskDurations();
        watchdog.exactTaskTimes();
        watchdogThread.start();
        assertTrue(watchdog.awaitTicks(1, TimeUnit.SECONDS.toNanos(5)));
        int all = 2 * (SHORT + LONG);
        GroupTasks running;
        Thread first;
        Thread second;
        try (ScriptedLoop one = new ScriptedLoop("exact-loop-1"); ScriptedLoop two = new ScriptedLoop("exact-loop-2")) {
            first = one.thread;
            second = two.thread;
            one.step(ExactTaskTimesTest::tasks);
            two.step(ExactTaskTimesTest::tasks);
            running = await(g -> g.timed() == all);
        }
        assertTrue(running.exact(), running.toString());
        assertTrue(running.tasks() <= all, "the watchdog counts the tasks since it first saw each loop: " + running);
        assertTrue(running.maxNanos() >= LONG_NANOS && running.maxNanos() < TimeUnit.SECONDS.toNanos(1), running.toString());
        assertTrue(running.timedNanos() >= 2 * LONG * LONG_NANOS, running.toString());
        long under2ms = running.timedBelow(10); // 2^11 us = 2.048 ms
        assertTrue(under2ms <= 2 * SHORT && under2ms >= 2 * SHORT - 20, "the short tasks (a few may be preempted): "
                + running);
        assertEquals(all, running.timedBelow(GroupTasks.BOUNDS - 1), "all under 16.8 s: " + running);
        assertTrue(running.p50Nanos() < TimeUnit.MILLISECONDS.toNanos(1), running.toString());

        assertTrue(Arrays.stream(Loops.live()).noneMatch(s -> s.thread() == first || s.thread() == second));
        assertTrue(watchdog.awaitTicks(2, TimeUnit.SECONDS.toNanos(5)), "the watchdog saw them leave");
        GroupTasks gone = await(g -> true);
        assertEquals(all, gone.timed(), "the loops' tasks stay counted once they left: " + gone);
        assertEquals(running.timedNanos(), gone.timedNanos(), gone.toString());
    }

    /** {@link #SHORT} empty tasks and {@link #LONG} of 3 ms among them, marked as instrumented Netty marks them. */
    private static void tasks() {
        for (int i = 0; i < SHORT + LONG; i++) {
            LoopSlot slot = Loops.beginTask();
            if (i % (SHORT / LONG) == 0 && i / (SHORT / LONG) < LONG) {
                WatchdogTest.spin(3);
            }
            Loops.endTask(slot);
        }
    }

    private GroupTasks await(Predicate<GroupTasks> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GroupTasks group = null;
        while (System.nanoTime() < deadline) {
            group = watchdog.taskSnapshot().stream().filter(g -> g.group().equals("exact-loop")).findFirst().orElse(null);
            if (group != null && done.test(group)) {
                return group;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("not reached in 10 s: " + group);
    }
}
