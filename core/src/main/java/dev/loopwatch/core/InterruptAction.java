package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.report.ReportType;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code action=interrupt}: the loop thread of a stalled task is interrupted, only while it waits where an
 * interrupt is safe ({@link Interrupts}), and again every {@link #REPEAT_NANOS} while it waits there. A task that
 * does not wait (CPU-bound) is not helped by an interrupt: that is reported once per culprit method.
 */
final class InterruptAction extends StallAction {
    /** Culprit methods (class and name: a spinning method is sampled on any of its lines) said "not interrupted" once each. */
    private static final int MAX_NOTED_CULPRITS = 4096;

    private final Set<String> notInterruptible = new HashSet<>();

    InterruptAction(Watchdog watchdog) {
        super(watchdog);
        // Before any loop registers (the engine makes its watchdog before it instruments anything): from now
        // on every task's end clears a flag this action set, so that it never reaches the next task.
        Loops.enableInterrupts();
    }

    @Override
    void stallReported(LoopSlot slot, Watch w, long seq, long now, Thread.State state, StackTraceElement[] stack,
            boolean sameTask) {
        if (!sameTask) {
            return;
        }
        w.interruptLookedAt = now;
        interrupt(slot, w, seq, now, Interrupts.safeToInterrupt(state, stack) ? stack : null);
        if (w.interruptAt == 0 && w.culprit != null && notInterruptible.size() < MAX_NOTED_CULPRITS
                && notInterruptible.add(w.culprit.getClassName() + "." + w.culprit.getMethodName())) {
            watchdog.emit(ReportType.NOT_INTERRUPTED, slot, w, now - w.start);
        }
    }

    @Override
    void stallGoesOn(LoopSlot slot, Watch w, long seq, long now) {
        interrupt(slot, w, seq, now, null);
    }

    @Override
    void taskEnded(LoopSlot slot, Watch w) {
        w.interruptAt = 0;
        w.interruptLookedAt = 0;
    }

    /**
     * Interrupts only while the thread waits where an interrupt is safe; the cheap state test comes first, a
     * stack is taken only when the thread waits. {@code checkedStack} is a stack already found safe in this tick.
     */
    private void interrupt(LoopSlot slot, Watch w, long seq, long now, StackTraceElement[] checkedStack) {
        if (w.interruptAt != 0 && now - w.interruptAt < REPEAT_NANOS) {
            return;
        }
        Thread thread = slot.thread();
        if (checkedStack == null) {
            // A cheap state test every tick; a stack (a handshake with the loop thread) at most every
            // REPEAT_NANOS, so a loop stuck in an uninterruptible wait is not sampled every millisecond.
            if (!Interrupts.isWaiting(thread.getState()) || now - w.interruptLookedAt < REPEAT_NANOS) {
                return;
            }
            w.interruptLookedAt = now;
            if (!Interrupts.safeToInterrupt(thread.getState(), thread.getStackTrace())) {
                return;
            }
        }
        if (!slot.claimInterrupt(seq)) {
            return;
        }
        // The stack is some microseconds old: interrupt only if the thread still waits (a thread in channel
        // I/O is RUNNABLE, and must never be interrupted: the channel would be closed).
        boolean interrupted = false;
        if (Interrupts.isWaiting(thread.getState()) && slot.seq() == seq) {
            thread.interrupt();
            interrupted = true;
        }
        slot.interruptDone(seq, interrupted);
        if (interrupted) {
            boolean first = w.interruptAt == 0;
            w.interruptAt = now;
            if (first) {
                watchdog.emit(ReportType.INTERRUPT, slot, w, now - w.start);
            }
        }
    }
}
