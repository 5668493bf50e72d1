package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import dev.loopwatch.core.report.StallTime;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The {@link Watchdog}'s reports of one stall: its first report (a stack sample, the task and culprit named from it),
 * the samples taken while it goes on ({@link StallProfile}), and its end with where its time went. The watchdog
 * decides when a task is a stall and when it ended; this class turns that into reports. Watchdog thread only, but
 * the stall count.
 */
final class StallReports {
    private final StackAnalyzer analyzer;
    private final Consumer<Report> out;
    private final StallAction action;
    private final AtomicLong stalls = new AtomicLong();
    /** The JVM's pause counters (opened by the watchdog's thread as it starts), or null: stalls are then the task's. */
    private JvmCounters counters;

    StallReports(StackAnalyzer analyzer, Consumer<Report> out, StallAction action) {
        this.analyzer = analyzer;
        this.out = out;
        this.action = action;
    }

    void counters(JvmCounters counters) {
        this.counters = counters;
    }

    /** The JVM's safepoint time so far (0 without counters). */
    long pauseNanos() {
        return counters == null ? 0 : counters.pauseNanos();
    }

    /** The JVM's GC time so far (0 without counters). */
    long gcNanos() {
        return counters == null ? 0 : counters.gcNanos();
    }

    /** Stalls reported so far; each stall's id is the count when it was reported. */
    long stalls() {
        return stalls.get();
    }

    /**
     * Runs the reporting path on a stack of the watchdog's own, before any loop can stall: the first stall would
     * otherwise pay for loading and linking it (measured: the first reports of a JVM came 20-46 ms late). Twice is
     * enough for that: every class it uses is loaded and every call site resolved. More rounds would only make the
     * JIT compile it, beside a service that is starting. Nothing is emitted.
     */
    void warmUp(Thread watchdog, long thresholdNanos) {
        try {
            for (int i = 0; i < 2; i++) {
                StackTraceElement[] stack = Thread.currentThread().getStackTrace();
                analyzer.describeTask(stack);
                analyzer.entry(stack);
                analyzer.culprit(stack);
                HandlerNames.vertxContext(Thread.currentThread());
                new Report(ReportType.STALL, 0, Instant.now(), watchdog.getName(), 0, thresholdNanos, "warm-up",
                        null, analyzer.trim(stack)).culpritFrame();
            }
        } catch (RuntimeException e) {
            Diagnostics.error("watchdog warm-up", e);
        }
    }

    /** Loop {@code slot}'s task {@code seq}, watched by {@code w}, crossed the threshold: its first report. */
    void stall(LoopSlot slot, Watch w, long seq, long now, long thresholdNanos, long sampleIntervalNanos) {
        action.stallStarts(slot, w, seq, now);
        // The handler and Vert.x's current context are read on both sides of the stack sample: the task (one I/O
        // dispatch) may go on after the handler returned, so the one seen before the sample is the one the
        // sample was taken in.
        Object before = slot.handler();
        Object contextBefore = HandlerNames.vertxContext(slot.thread());
        StackTraceElement[] stoppedAt = action.stoppedAt(slot, seq, true);
        Thread.State state = slot.thread().getState();
        StackTraceElement[] stack = stoppedAt != null ? stoppedAt : slot.thread().getStackTrace();
        Object after = slot.handler();
        Object contextAfter = HandlerNames.vertxContext(slot.thread());
        Object handler = before != null ? before : after;
        Object context = contextBefore != null ? contextBefore : contextAfter;
        boolean sameTask = slot.seq() == seq;
        if (stoppedAt == null) {
            stoppedAt = action.stoppedAt(slot, seq, false);
        }
        if (stoppedAt != null) {
            // The action stopped the task (an abort check threw) before (or while) the stack was taken: the sample
            // may show the exception's handler or the next task; the exception's own stack is where it was stopped.
            stack = stoppedAt;
            sameTask = true;
        }
        stack = action.ownFramesRemoved(stack);
        w.stallId = stalls.incrementAndGet();
        w.profile = new StallProfile(counters, w.start, w.pauseAtStart, w.gcAtStart, sampleIntervalNanos);
        if (sameTask) {
            w.profile.sample(now, stack, analyzer);
            // Turned into text here, on the watchdog, only now that there is a stall to report.
            w.task = analyzer.describeTask(stack, handler, context);
            w.culprit = analyzer.culprit(stack);
            w.stack = analyzer.trim(stack);
        } else {
            // The task ended while its stack was taken: the sample shows whatever ran next.
            w.task = "unknown task";
            w.culprit = null;
            w.stack = List.of();
        }
        emit(ReportType.STALL, slot, w, now - w.start, thresholdNanos, w.profile.snapshot());
        action.stallReported(slot, w, seq, now, state, stack, sameTask);
    }

    /** One more stack sample of a stall that goes on, when one is due (see {@link StallProfile}). */
    void sample(LoopSlot slot, Watch w, long seq, long now) {
        if (w.profile == null || !w.profile.due(now)) {
            return;
        }
        StackTraceElement[] stack = slot.thread().getStackTrace();
        if (slot.seq() == seq) { // else the task ended while its stack was taken: the end accounts for the time
            w.profile.sample(now, action.ownFramesRemoved(stack), analyzer);
        }
    }

    /** The stall ended at {@code end}: its stall-end report, with where its time went. */
    void end(LoopSlot slot, Watch w, long end, long thresholdNanos) {
        emit(ReportType.STALL_END, slot, w, end - w.start, thresholdNanos, w.profile == null ? null : w.profile.end(end));
        w.stallId = 0;
        w.profile = null;
    }

    /** Hands a report to the sinks. */
    void emit(Report report) {
        out.accept(report);
    }

    void emit(ReportType type, LoopSlot slot, Watch w, long elapsedNanos, long thresholdNanos, StallTime time) {
        out.accept(new Report(type, w.stallId, Instant.now(), slot.thread().getName(), elapsedNanos, thresholdNanos,
                w.task, w.culprit, w.stack, slot.kind(), null, 0, time));
    }
}
