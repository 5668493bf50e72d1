package dev.loopwatch.core;

import dev.loopwatch.bridge.Abort;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.core.report.ReportType;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code action=abort}: a stalled task is asked to stop at its next check injected into application code
 * (bridge {@link Abort}), and asked again while it still runs (see {@link #stallGoesOn}).
 */
final class AbortAction extends StallAction {
    /**
     * How long a stall under action=abort waits for the task to reach a check before its stack is sampled
     * (a task blocked outside checked code never does). Other loops' scans wait as long, once per abort.
     */
    private static final long ABORT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    AbortAction(Watchdog watchdog) {
        super(watchdog);
    }

    @Override
    void stallStarts(LoopSlot slot, Watch w, long seq, long now) {
        // First, before the stack sample (a handshake with the loop thread, up to a millisecond on a busy
        // machine): the time from threshold to exception is what the service waits for.
        requestAbort(slot, w, seq, now);
    }

    /**
     * A running task reaches a check within microseconds and leaves its stack in the slot: wait briefly for
     * that rather than sample it, which would stop the loop thread for the walk on its way to the exception.
     */
    @Override
    StackTraceElement[] stoppedAt(LoopSlot slot, long seq, boolean wait) {
        return wait ? awaitAbortedStack(slot, seq) : slot.takeAbortedStack(seq);
    }

    @Override
    StackTraceElement[] ownFramesRemoved(StackTraceElement[] stack) {
        return belowAbortCheck(stack);
    }

    @Override
    void stallReported(LoopSlot slot, Watch w, long seq, long now, Thread.State state, StackTraceElement[] stack,
            boolean sameTask) {
        watchdog.emit(ReportType.ABORT, slot, w, now - w.start);
    }

    /**
     * Asks again while the same task runs: every {@link #REPEAT_NANOS} until a check has thrown into it, then
     * once per threshold (at least {@link #REPEAT_NANOS}). The exception's way out (catch and finally blocks,
     * the pipeline's {@code exceptionCaught} answering the request) runs checked code too and gets a whole
     * budget of its own: asked again after 10 ms, a second exception hit a handler's {@code exceptionCaught}
     * on a cold JVM, and the request went unanswered.
     */
    @Override
    void stallGoesOn(LoopSlot slot, Watch w, long seq, long now) {
        long interval = slot.threwInto(seq) ? Math.max(REPEAT_NANOS, watchdog.thresholdNanos()) : REPEAT_NANOS;
        if (now - w.abortAt >= interval) {
            requestAbort(slot, w, seq, now);
        }
    }

    @Override
    void taskEnded(LoopSlot slot, Watch w) {
        if (w.abortSeq != 0) {
            slot.cancelAbort(w.abortSeq); // the task ended before a check took the request up
            w.abortSeq = 0;
        }
    }

    @Override
    void scanned(Watch[] watches) {
        Abort.pending(countAborting(watches));
    }

    /** The stack where a check stopped task {@code seq}, waiting up to {@link #ABORT_WAIT_NANOS}; or null. */
    private static StackTraceElement[] awaitAbortedStack(LoopSlot slot, long seq) {
        long deadline = System.nanoTime() + ABORT_WAIT_NANOS;
        StackTraceElement[] stack;
        while ((stack = slot.takeAbortedStack(seq)) == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
        return stack;
    }

    /**
     * The stack without the abort check's own frames (the check, the exception being built), when the loop
     * thread is inside one: the top frame is then the application code that was stopped.
     */
    static StackTraceElement[] belowAbortCheck(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            if (stack[i].getClassName().equals("dev.loopwatch.bridge.Abort") && stack[i].getMethodName().equals("check")) {
                return i + 1 < stack.length ? Arrays.copyOfRange(stack, i + 1, stack.length) : stack;
            }
        }
        return stack;
    }

    private void requestAbort(LoopSlot slot, Watch w, long seq, long now) {
        slot.requestAbort(seq, w.start, watchdog.thresholdNanos());
        w.abortSeq = seq;
        w.abortAt = now;
        Abort.pending(Math.max(1, countAborting(watchdog.watches())));
    }

    private static int countAborting(Watch[] watches) {
        int n = 0;
        for (Watch watch : watches) {
            if (watch.abortSeq != 0) {
                n++;
            }
        }
        return n;
    }
}
