package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.core.config.Action;

import java.util.concurrent.TimeUnit;

/**
 * What a stall triggers besides its reports ({@code action=log|interrupt|abort|slice}). The {@link Watchdog} times
 * tasks and reports stalls; at each step of a stall it calls one of these hooks, on its own thread. This base
 * class is {@code action=log}: every hook does nothing. {@link InterruptAction} and {@link AbortAction} act.
 */
class StallAction {
    /**
     * An abort request is taken up once (the check that sees it throws and consumes it); while the same task
     * still runs this long after, it is asked again. The pause lets the task's catch and finally blocks run
     * (they may call checked code too) and still stops one that swallows the exception and carries on. An
     * interrupt is repeated, and a waiting thread's stack taken to decide on one, at most as often.
     */
    static final long REPEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** The watchdog whose stalls this action acts on: its reports and threshold. */
    final Watchdog watchdog;

    StallAction(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    static StallAction of(Action action, Watchdog watchdog, long sliceNanos) {
        switch (action) {
            case INTERRUPT: return new InterruptAction(watchdog);
            case ABORT: return new AbortAction(watchdog);
            case SLICE: return new SliceAction(watchdog, sliceNanos);
            default: return new StallAction(watchdog);
        }
    }

    /** Every tick while task {@code seq} runs on {@code slot} (before any stall hook of that tick): cheap. */
    void running(LoopSlot slot, Watch w, long seq, long now) {
    }

    /** Task {@code seq} on {@code slot} just crossed the threshold: called first, before its stack is sampled. */
    void stallStarts(LoopSlot slot, Watch w, long seq, long now) {
    }

    /**
     * Where the action stopped task {@code seq} (that stack, top frame first), or null. Asked right after
     * {@link #stallStarts} with {@code wait} (the action may wait briefly for the task to stop, instead of the
     * watchdog sampling its stack) and, when that found none, again without waiting after the sample.
     */
    StackTraceElement[] stoppedAt(LoopSlot slot, long seq, boolean wait) {
        return null;
    }

    /** The stack to report, less any frames of the action's own (the stall's stack is sampled or stopped). */
    StackTraceElement[] ownFramesRemoved(StackTraceElement[] stack) {
        return stack;
    }

    /**
     * The stall was reported. {@code state} and {@code stack} are the thread's as sampled for the report;
     * {@code sameTask}: they belong to the stalled task (it did not end while they were taken).
     */
    void stallReported(LoopSlot slot, Watch w, long seq, long now, Thread.State state, StackTraceElement[] stack,
            boolean sameTask) {
    }

    /** Every later tick while the stall goes on. */
    void stallGoesOn(LoopSlot slot, Watch w, long seq, long now) {
    }

    /** The task that ran on {@code slot} ended, or the loop left run(): called on every task change, so cheap. */
    void taskEnded(LoopSlot slot, Watch w) {
    }

    /** A tick has looked at every loop. */
    void scanned(Watch[] watches) {
    }
}
