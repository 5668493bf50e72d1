package dev.loopwatch.core;

import dev.loopwatch.TaskTimeoutException;
import dev.loopwatch.bridge.Abort;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.Action;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The actions through the bridge, on real threads marked as loops the way instrumented Netty marks them,
 * with {@link Abort#check()} called where the agent would inject it. Timing bounds are loose.
 */
class WatchdogActionsTest {
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private Watchdog watchdog;
    private Thread watchdogThread;

    private void start(Action action) {
        watchdog = new Watchdog(TimeUnit.MILLISECONDS.toNanos(30), TimeUnit.MILLISECONDS.toNanos(1),
                new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64), reports::add, action);
        watchdogThread = new Thread(watchdog, "test-watchdog");
        watchdogThread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (watchdog != null) {
            watchdog.stop();
            watchdogThread.join(2000);
        }
        Abort.pending(0);
    }

    /** Runs the tasks one after the other on one loop thread; returns what each threw (or null). */
    private static List<Throwable> runTasks(List<Runnable> tasks) throws InterruptedException {
        List<Throwable> thrown = new ArrayList<>();
        Thread loop = new Thread(() -> {
            LoopSlot own = Loops.enterLoop(WatchdogActionsTest.class);
            try {
                for (Runnable task : tasks) {
                    LoopSlot slot = Loops.beginTask();
                    try {
                        task.run();
                        thrown.add(null);
                    } catch (Throwable t) {
                        thrown.add(t);
                    } finally {
                        slot.end();
                    }
                }
            } finally {
                Loops.exitLoop(own);
            }
        }, "test-loop");
        loop.start();
        loop.join(20_000);
        assertFalse(loop.isAlive());
        return thrown;
    }

    static void checkedSpin(long ms) {
        long end = ms < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            Abort.check();
        }
    }

    @Test
    void abortStopsTheOverrunningTaskOnlyAndTheNextTaskRuns() throws Exception {
        start(Action.ABORT);
        List<Throwable> thrown = runTasks(List.of(() -> checkedSpin(-1), () -> checkedSpin(10), () -> checkedSpin(10)));
        assertTrue(thrown.get(0) instanceof TaskTimeoutException, String.valueOf(thrown.get(0)));
        assertTrue(thrown.get(0).getMessage().startsWith("loopwatch aborted a task on loop thread test-loop: it ran "),
                thrown.get(0).getMessage());
        assertEquals(null, thrown.get(1));
        assertEquals(null, thrown.get(2));
        Thread.sleep(50);
        assertEquals(List.of(ReportType.STALL, ReportType.ABORT, ReportType.STALL_END), types());
    }

    @Test
    void abortIsAskedAgainWhenTheTaskSwallowsIt() throws Exception {
        start(Action.ABORT);
        AtomicReference<Integer> swallowed = new AtomicReference<>(0);
        List<Throwable> thrown = runTasks(List.of(() -> {
            try {
                checkedSpin(-1);
            } catch (TaskTimeoutException e) {
                swallowed.set(swallowed.get() + 1);
            }
            checkedSpin(-1); // carries on: stopped again about 10 ms later
        }));
        assertEquals(1, swallowed.get());
        assertTrue(thrown.get(0) instanceof TaskTimeoutException);
    }

    @Test
    void theWayOutOfAnAbortGetsAWholeThresholdBeforeTheNextOne() throws Exception {
        start(Action.ABORT);
        List<Throwable> thrown = runTasks(List.of(() -> {
            try {
                checkedSpin(-1);
            } catch (TaskTimeoutException e) {
                checkedSpin(15); // answering the request: checked code, half the 30 ms threshold
            }
        }));
        assertEquals(null, thrown.get(0)); // asked again after 10 ms, it would have thrown here
    }

    @Test
    void abortNeverThrowsInsideAClassInitializer() throws Exception {
        start(Action.ABORT);
        List<Throwable> thrown = runTasks(List.of(() -> {
            SlowInit.touch(); // its <clinit> spins 100 ms past the threshold: not aborted there
            checkedSpin(-1);  // then stopped here
        }));
        assertTrue(thrown.get(0) instanceof TaskTimeoutException, String.valueOf(thrown.get(0)));
        assertEquals(1, SlowInit.value);
    }

    static final class SlowInit {
        static int value;

        static {
            checkedSpin(100);
            value = 1;
        }

        static void touch() {
        }
    }

    @Test
    void interruptEndsAParkAndTheFlagIsClearedBeforeTheNextTask() throws Exception {
        start(Action.INTERRUPT);
        boolean[] flags = new boolean[2];
        long[] parkedMs = new long[1];
        runTasks(List.of(() -> {
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(deadline - System.nanoTime());
            }
            parkedMs[0] = (System.nanoTime() - t0) / 1_000_000;
            flags[0] = Thread.currentThread().isInterrupted();
        }, () -> flags[1] = Thread.currentThread().isInterrupted()));
        assertTrue(parkedMs[0] < 5_000, parkedMs[0] + " ms");
        assertTrue(flags[0], "park returns with the flag set");
        assertFalse(flags[1], "the next task starts without it");
    }

    @Test
    void interruptLeavesAFlagTheApplicationSetItself() throws Exception {
        start(Action.INTERRUPT);
        boolean[] flag = new boolean[1];
        runTasks(List.of(() -> Thread.currentThread().interrupt(), () -> {
            flag[0] = Thread.interrupted();
        }));
        assertTrue(flag[0], "not loopwatch's to clear");
    }

    @Test
    void cpuBoundTaskIsNotInterruptedAndSaidOncePerCulprit() throws Exception {
        start(Action.INTERRUPT);
        boolean[] flags = new boolean[2];
        // The application's own frame is the culprit wherever the sample lands (in nanoTime or in the loop): once.
        // Its class is loaded first: a loaded machine can make loading it in the task a stall of its own, whose
        // culprit is the task's frame that asked for it.
        dev.loopwatch.testapp.App.spin(0);
        runTasks(List.of(() -> {
            dev.loopwatch.testapp.App.spin(80);
            flags[0] = Thread.currentThread().isInterrupted();
        }, () -> {
            dev.loopwatch.testapp.App.spin(80);
            flags[1] = Thread.currentThread().isInterrupted();
        }));
        Thread.sleep(50);
        assertFalse(flags[0] || flags[1]);
        assertEquals(1, types().stream().filter(t -> t == ReportType.NOT_INTERRUPTED).count(), reports.toString());
        assertFalse(types().contains(ReportType.INTERRUPT));
    }

    @Test
    void onlyWaitsThatAnInterruptEndsAreSafe() {
        StackTraceElement app = new StackTraceElement("com.acme.App", "run", "App.java", 1);
        assertTrue(Interrupts.safeToInterrupt(Thread.State.TIMED_WAITING, new StackTraceElement[] {
            new StackTraceElement("java.lang.Thread", "sleep", null, -1), app}));
        assertTrue(Interrupts.safeToInterrupt(Thread.State.WAITING, new StackTraceElement[] {
            new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1),
            new StackTraceElement("java.util.concurrent.locks.LockSupport", "park", null, -1),
            new StackTraceElement("java.util.concurrent.FutureTask", "awaitDone", null, -1),
            new StackTraceElement("java.util.concurrent.FutureTask", "get", null, -1), app}));
        assertFalse(Interrupts.safeToInterrupt(Thread.State.WAITING, new StackTraceElement[] {
            new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1),
            new StackTraceElement("java.util.concurrent.locks.LockSupport", "park", null, -1),
            new StackTraceElement("java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquire", null, -1),
            new StackTraceElement("java.util.concurrent.locks.ReentrantLock$Sync", "lock", null, -1), app}),
                "lock() ignores the interrupt and leaves the flag set");
        assertFalse(Interrupts.safeToInterrupt(Thread.State.RUNNABLE, new StackTraceElement[] {
            new StackTraceElement("sun.nio.ch.FileDispatcherImpl", "read0", null, -1), app}));
        assertFalse(Interrupts.safeToInterrupt(Thread.State.RUNNABLE, new StackTraceElement[] {
            new StackTraceElement("java.lang.Thread", "sleep", null, -1), app}), "state first: it just woke");
        assertFalse(Interrupts.safeToInterrupt(Thread.State.WAITING, new StackTraceElement[] {
            new StackTraceElement("java.lang.Object", "wait", null, -1),
            new StackTraceElement("com.sun.jndi.ldap.Connection", "readReply", null, -1),
            new StackTraceElement("sun.net.www.protocol.http.HttpURLConnection", "getInputStream", null, -1), app}),
                "com.sun. is the JDK's too: the I/O class below the wait is still seen");
    }

    private List<ReportType> types() {
        List<ReportType> types = new ArrayList<>();
        for (Report r : reports) {
            types.add(r.type());
        }
        return types;
    }
}
