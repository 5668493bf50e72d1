package dev.loopwatch.core;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the JVM's JIT has settled after start: at least {@link #MIN_MILLIS}, then until less than
 * {@link #QUIET_COMPILE_MILLIS} of compilation happened in the last second, at most {@link #MAX_MILLIS} in all.
 *
 * <p>Why: the agent's blocking-call line is expensive to start (retransforming about 25 JDK classes with a cold
 * ByteBuddy, reading the loaded classes for the call-site rewrite, starting a JFR stream: about 0.7 s of CPU on
 * 2 vCPUs). Done while a service that takes load at once is warming up, it shares the CPUs with the JIT's
 * compiler threads, and C1 then more often compiles hot methods without a type profile, which C2 keeps for the
 * JVM's life (measured: Netty's header scan left un-inlined in 3-4 of 7-8 JVMs with the agent, 0 of 7-8 with the
 * blocking-call line started after this wait; benchmarks/README.md).
 *
 * <p>{@link #cutShort()} ends the wait at once: the JUnit extension calls it when it finds the agent loaded with
 * {@code -javaagent} and still waiting, since a test run has no warm-up to protect and must not wait up to 10 s
 * for its first watched test.
 */
public final class JitWarmUp {
    static final long MIN_MILLIS = 2_000;
    static final long MAX_MILLIS = 10_000;
    static final long QUIET_COMPILE_MILLIS = 20;
    static final long PAUSE_STEP_MILLIS = 250;
    static final long PAUSE_QUIET_MILLIS = 5;
    static final long PAUSE_MAX_MILLIS = 3_000;

    private static final CountDownLatch CUT_SHORT = new CountDownLatch(1);

    private JitWarmUp() {
    }

    /**
     * Blocks until the JIT has settled (see the class comment) or {@link #cutShort()} is called; returns the
     * milliseconds waited.
     */
    public static long awaitSettled() throws InterruptedException {
        long start = System.nanoTime();
        if (CUT_SHORT.await(MIN_MILLIS, TimeUnit.MILLISECONDS)) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            long before = jit.getTotalCompilationTime();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS - 1_000)) {
                if (CUT_SHORT.await(1_000, TimeUnit.MILLISECONDS)) {
                    break;
                }
                long now = jit.getTotalCompilationTime();
                if (now - before < QUIET_COMPILE_MILLIS) {
                    break;
                }
                before = now;
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * Between the steps of an install into a warm JVM: waits until the JIT has recompiled what the last step
     * threw away (less than {@link #PAUSE_QUIET_MILLIS} of compilation in the last {@link #PAUSE_STEP_MILLIS}),
     * at most {@link #PAUSE_MAX_MILLIS}, so that the next step's own work does not compete with it for the CPU.
     * Returns at once after {@link #cutShort()}.
     */
    public static void pause() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            CUT_SHORT.await(PAUSE_STEP_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        long start = System.nanoTime();
        long before = jit.getTotalCompilationTime();
        while (!CUT_SHORT.await(PAUSE_STEP_MILLIS, TimeUnit.MILLISECONDS)
                && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(PAUSE_MAX_MILLIS)) {
            long now = jit.getTotalCompilationTime();
            if (now - before < PAUSE_QUIET_MILLIS) {
                return;
            }
            before = now;
        }
    }

    /** Ends any wait in {@link #awaitSettled()} now, and makes later ones return at once. */
    public static void cutShort() {
        CUT_SHORT.countDown();
    }
}
