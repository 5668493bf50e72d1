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
 * decides when a task is a stall and when it ended; this class turns that into reports. The stacks a scan needs are
 * asked for as it looks at each loop and taken together after it ({@link #takeStacks}, {@link LoopStacks}).
 * Watchdog thread only, but the stall count.
 */
final class StallReports {
    private final StackAnalyzer analyzer;
    private final Consumer<Report> out;
    private final StallAction action;
    private final AtomicLong stalls = new AtomicLong();
    private final LoopStacks stacks;
    /** The stacks the current scan asked for (see {@link #takeStacks}). */
    private final StackRequests requests = new StackRequests();
    /** The JVM's pause counters (opened by the watchdog's thread as it starts), or null: stalls are then the task's. */
    private JvmCounters counters;

    StallReports(StackAnalyzer analyzer, Consumer<Report> out, StallAction action) {
        this(analyzer, out, action, new LoopStacks());
    }

    StallReports(StackAnalyzer analyzer, Consumer<Report> out, StallAction action, LoopStacks stacks) {
        this.analyzer = analyzer;
        this.out = out;
        this.action = action;
        this.stacks = stacks;
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

    /**
     * Loop {@code slot}'s task {@code seq}, watched by {@code w}, crossed the threshold: its first report, made by
     * {@link #takeStacks} once the scan asked for every stack it needs.
     */
    void stall(LoopSlot slot, Watch w, long seq, long now, long thresholdNanos, long sampleIntervalNanos) {
        action.stallStarts(slot, w, seq, now);
        StackRequests.Request r = requests.add(slot, w, seq, now, true);
        // The handler and Vert.x's current context are read on both sides of the stack sample: the task (one I/O
        // dispatch) may go on after the handler returned, so the one seen before the sample is the one the
        // sample was taken in.
        r.handler = slot.handler();
        r.context = HandlerNames.vertxContext(slot.thread());
        r.stoppedAt = action.stoppedAt(slot, seq, true);
        r.state = slot.thread().getState();
        r.thresholdNanos = thresholdNanos;
        // Counted now, though reported at the scan's end: the rest of the scan already takes the task for a stall (no
        // longer a task awaiting judgement, see Watchdog.awaitTasksStartedBefore).
        w.stallId = stalls.incrementAndGet();
        w.profile = new StallProfile(counters, w.start, w.pauseAtStart, w.gcAtStart, sampleIntervalNanos);
    }

    /** One more stack sample of a stall that goes on, when one is due (see {@link StallProfile}), by {@link #takeStacks}. */
    void sample(LoopSlot slot, Watch w, long seq, long now) {
        if (w.profile != null && w.profile.due(now)) {
            requests.add(slot, w, seq, now, false);
        }
    }

    /**
     * Takes the stacks the scan asked for, together ({@link LoopStacks}), and makes their first reports and samples.
     * The watchdog calls it once it has looked at every loop.
     */
    void takeStacks() {
        if (requests.size() == 0) {
            return;
        }
        try {
            requests.takeStacks(stacks);
            for (int i = 0; i < requests.size(); i++) {
                StackRequests.Request r = requests.get(i);
                if (r.first) {
                    reportStall(r);
                } else {
                    addSample(r);
                }
            }
        } finally {
            requests.clear();
        }
    }

    private void reportStall(StackRequests.Request r) {
        LoopSlot slot = r.slot;
        Watch w = r.watch;
        long seq = r.seq;
        StackTraceElement[] stoppedAt = r.stoppedAt;
        StackTraceElement[] stack = stoppedAt != null ? stoppedAt : r.stack;
        Object after = slot.handler();
        Object contextAfter = HandlerNames.vertxContext(slot.thread());
        Object handler = r.handler != null ? r.handler : after;
        Object context = r.context != null ? r.context : contextAfter;
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
        if (sameTask) {
            w.profile.sample(r.now, stack, analyzer);
            // Turned into text here, on the watchdog, only now that there is a stall to report.
            w.task = analyzer.describeTask(stack, handler, context);
            w.culprit = analyzer.culprit(stack);
            w.stack = analyzer.trim(stack);
        } else {
            // The task ended before or while its stack was taken: the sample shows whatever ran next.
            w.task = "unknown task";
            w.culprit = null;
            w.stack = List.of();
        }
        emit(ReportType.STALL, slot, w, r.now - w.start, r.thresholdNanos, w.profile.snapshot());
        action.stallReported(slot, w, seq, r.now, r.state, stack, sameTask);
    }

    private void addSample(StackRequests.Request r) {
        if (r.slot.seq() == r.seq) { // else the task ended before its stack was taken: the end accounts for the time
            r.watch.profile.sample(r.now, action.ownFramesRemoved(r.stack), analyzer);
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
