package dev.loopwatch.core;

import dev.loopwatch.bridge.Abort;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Slices;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;

import java.time.Instant;
import java.util.List;

/**
 * {@code action=slice}: a task running as a slice ({@link Slices}) that has run {@code slice} is asked to yield at its
 * next injected check (the same request path as action=abort's, bridge {@link Abort}); asked again a slice later
 * while it still runs (it was not at a check, or a check found it unsafe to suspend). A task that is never suspended
 * becomes a stall at the threshold and is reported like any other. Decisions that fell back are reported here, once
 * per reason and culprit; a failure of the machinery is said once (slicing is then off, and the action is log's).
 */
final class SliceAction extends StallAction {
    private final long sliceNanos;
    /** Requests outstanding after this scan (not yet taken up by a check): keeps the checks' slow path on. */
    private int outstanding;
    private boolean failureSaid;

    SliceAction(Watchdog watchdog, long sliceNanos) {
        super(watchdog);
        this.sliceNanos = sliceNanos;
    }

    @Override
    void running(LoopSlot slot, Watch w, long seq, long now) {
        if (!Slices.enabled()) {
            return;
        }
        if (!slot.mayYield(seq)) {
            return;
        }
        if (slot.yieldRequested() == seq) {
            outstanding++;
            return;
        }
        long since = w.yieldSeq == seq ? w.yieldAt : w.start;
        if (now - since >= sliceNanos) {
            slot.requestYield(seq);
            w.yieldSeq = seq;
            w.yieldAt = now;
            outstanding++;
            Abort.pending(Math.max(1, outstanding)); // the check sees it now, not after the scan
        }
    }

    /** A stall's stack sampled at a check: without the check's and the slicing's own frames. */
    @Override
    StackTraceElement[] ownFramesRemoved(StackTraceElement[] stack) {
        return AbortAction.belowAbortCheck(stack);
    }

    @Override
    void taskEnded(LoopSlot slot, Watch w) {
        if (w.yieldSeq != 0) {
            slot.cancelYield(w.yieldSeq);
            w.yieldSeq = 0;
        }
    }

    @Override
    void scanned(Watch[] watches) {
        Abort.pending(outstanding);
        outstanding = 0;
        Object[] fallback;
        while ((fallback = Slices.nextFirstFallback()) != null) {
            report((String) fallback[0], (String) fallback[1], (StackTraceElement[]) fallback[2]);
        }
        Throwable failure = Slices.failure();
        if (failure != null && !failureSaid) {
            failureSaid = true;
            Diagnostics.disabled("action=slice (tasks are no longer sliced; stalls are reported as with action=log)", failure);
        }
    }

    private void report(String reason, String thread, StackTraceElement[] stack) {
        StackAnalyzer analyzer = watchdog.analyzer();
        List<StackTraceElement> trimmed = analyzer.trim(stack);
        watchdog.emit(new Report(ReportType.SLICE_FALLBACK, 0, Instant.now(), thread, 0, watchdog.thresholdNanos(),
                why(reason), analyzer.culprit(stack), trimmed));
    }

    /** What the reason means, for the report's task field. */
    static String why(String reason) {
        switch (reason) {
            case Slices.PINNED: return "pinned: the JVM cannot suspend it here (a native frame or a class initializer)";
            case Slices.MONITOR: return "monitor held: an interleaved task entering it would block the loop";
            case Slices.LOCK: return "lock held: an interleaved task would get it too";
            case Slices.THREAD_LOCAL: return "thread-local set: interleaved tasks would see its values";
            case Slices.ORDERING: return "ordering: an I/O dispatch whose channel's later events cannot be held back";
            case Slices.LOOP: return "loop: not a Netty loop that can resume it";
            default: return reason;
        }
    }
}
