package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.Report;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second and third kinds of watched thread (schedulers registered at birth, executors while in their
 * run()), and the handler slot the framework hooks fill: through the bridge, as the advice calls it.
 */
class ThreadKindsTest {
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final Watchdog watchdog = new Watchdog(TimeUnit.MILLISECONDS.toNanos(40), TimeUnit.MILLISECONDS.toNanos(1),
            new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64), reports::add);
    private final Thread watchdogThread = new Thread(watchdog, "test-watchdog");

    @AfterEach
    void stop() throws InterruptedException {
        watchdog.stop();
        watchdogThread.join(2000);
    }

    private static void stallOneTask() {
        LoopSlot slot = Loops.beginTask();
        try {
            WatchdogTest.spin(120);
        } finally {
            if (slot != null) {
                slot.end();
            }
        }
    }

    @Test
    void schedulerThreadIsWatchedFromBirthAndReportedAsScheduler() throws Exception {
        watchdogThread.start();
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            stallOneTask();
            done.countDown();
        }, "parallel-test-1");
        Loops.registerScheduler(t, ThreadKindsTest.class); // as the advice on Reactor's thread factory does
        t.start();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertEquals(2, reports.size(), reports.toString());
        assertEquals("scheduler", reports.get(0).threadKind());
        assertEquals("parallel-test-1", reports.get(0).thread());
        for (LoopSlot slot : Loops.live()) { // the registry is static: leave nothing behind for other tests
            if (slot.thread() == t) {
                Loops.unregister(slot);
            }
        }
    }

    @Test
    void executorThreadIsWatchedWhileInRun() throws Exception {
        watchdogThread.start();
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            LoopSlot own = Loops.enterExecutor(ThreadKindsTest.class);
            try {
                stallOneTask();
            } finally {
                Loops.exitLoop(own);
                done.countDown();
            }
        }, "defaultEventExecutorGroup-test-1");
        t.start();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertEquals(2, reports.size(), reports.toString());
        assertEquals("executor", reports.get(0).threadKind());
    }

    @Test
    void handlerIsKeptDuringTheDispatchAndRestoredAfter() throws Exception {
        Object[] seen = new Object[3];
        Thread t = new Thread(() -> {
            LoopSlot own = Loops.enterLoop(ThreadKindsTest.class);
            try {
                Object outer = "outer";
                Object inner = "inner";
                Object p1 = Loops.enterHandler(outer);
                Object p2 = Loops.enterHandler(inner);
                seen[0] = own.handler();
                Loops.exitHandler(p2);
                seen[1] = own.handler();
                Loops.exitHandler(p1);
                seen[2] = own.handler();
            } finally {
                Loops.exitLoop(own);
            }
        }, "test-loop");
        t.start();
        t.join(5000);
        assertEquals("inner", seen[0]);
        assertEquals("outer", seen[1]);
        assertEquals(null, seen[2]);
        assertSame(Loops.NOT_WATCHED, Loops.enterHandler("not a loop")); // this thread is no loop
        Loops.exitHandler(Loops.NOT_WATCHED);
    }
}
