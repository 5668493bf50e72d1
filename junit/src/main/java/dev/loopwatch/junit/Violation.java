package dev.loopwatch.junit;

import dev.loopwatch.core.config.Durations;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import dev.loopwatch.core.report.StallTime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thing a test did wrong on an event loop, built from the agent's reports: a stall (with its total
 * when it ended within the test) or a blocking call.
 *
 * @param kind      {@code "stall"} or {@code "blocking call"}
 * @param report    the report seen while it happened (it has the sampled stack)
 * @param totalNanos the total when known (the task ended), else -1
 */
record Violation(String kind, Report report, long totalNanos) {

    /**
     * The violations of a test that started at {@code start}: stalls whose task began in the test (task
     * start = when seen minus how long it had run; {@code slackNanos} absorbs the watchdog's tick), and,
     * when {@code settings} asks for them, blocking calls reported since, but for those made inside a
     * method the settings allow.
     */
    static List<Violation> of(List<Report> reports, Instant start, long slackNanos, Settings settings) {
        Map<Long, Violation> stalls = new LinkedHashMap<>();
        List<Violation> blocking = new ArrayList<>();
        for (Report r : reports) {
            if (r.type() == ReportType.STALL) {
                // The watchdog knows a task's start to within a tick: give the test the benefit of that tick.
                Instant began = r.time().minusNanos(r.elapsedNanos()).plusNanos(slackNanos);
                if (!began.isBefore(start)) {
                    stalls.put(r.id(), new Violation("stall", r, -1));
                }
            } else if (r.type() == ReportType.STALL_END && stalls.containsKey(r.id())) {
                if (pausedByTheJvm(r)) {
                    stalls.remove(r.id()); // the loop stood still, but so did every thread: not the test's doing
                } else {
                    stalls.put(r.id(), new Violation("stall", stalls.get(r.id()).report(), r.elapsedNanos()));
                }
            } else if (r.type() == ReportType.BLOCKING_CALL && settings.blockingCalls()
                    && !allowed(r.stack(), settings.allow())) {
                blocking.add(new Violation("blocking call", r, r.elapsedNanos()));
            }
        }
        List<Violation> all = new ArrayList<>(stalls.values());
        all.addAll(blocking);
        return all;
    }

    /**
     * A stall whose time was mostly the JVM's pauses (GC, safepoints) and whose own part, the task's work and its class
     * loading, stayed under the threshold: the task did nothing wrong.
     */
    static boolean pausedByTheJvm(Report end) {
        StallTime time = end.stallTime();
        return time != null && time.pausedByJvm()
                && time.taskNanos() + time.classLoadingNanos() < end.thresholdNanos();
    }

    /** True when a frame of the stack is in an allowed class ({@code com.acme.Cache}) or method ({@code #load}). */
    static boolean allowed(List<StackTraceElement> stack, List<String> allow) {
        for (StackTraceElement frame : stack) {
            for (String entry : allow) {
                int hash = entry.indexOf('#');
                boolean match = hash < 0 ? frame.getClassName().equals(entry)
                        : frame.getClassName().equals(entry.substring(0, hash))
                        && frame.getMethodName().equals(entry.substring(hash + 1));
                if (match) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "stall: 212 ms on loop nioEventLoopGroup-3-1 (threshold 50 ms)" and the task and culprit lines. */
    String describe(int number) {
        if (report.type() == ReportType.BLOCKING_CALL) {
            return number + ". " + kind + ": " + report.call() + " took " + Durations.format(report.elapsedNanos())
                    + " on loop " + report.thread() + (report.count() > 1 ? " (" + report.count() + " calls)" : "")
                    + "\n"
                    + "   task:    " + report.task() + "\n"
                    + "   culprit: " + report.culpritFrame();
        }
        String duration = totalNanos >= 0 ? Durations.format(totalNanos)
                : "at least " + Durations.format(report.elapsedNanos()) + " (still running when the test ended)";
        return number + ". " + kind + ": " + duration + " on loop " + report.thread() + " (threshold "
                + Durations.format(report.thresholdNanos()) + ")\n"
                + "   task:    " + report.task() + "\n"
                + "   culprit: " + report.culpritFrame();
    }

    /** The sampled stack as a throwable, to attach to the failure. */
    Throwable stackTrace() {
        LoopStack trace = new LoopStack(kind + " on loop " + report.thread() + " at " + report.culpritFrame());
        trace.setStackTrace(report.stack().toArray(new StackTraceElement[0]));
        return trace;
    }

    /** Carries a loop thread's sampled stack in a test failure; it was never thrown. */
    static final class LoopStack extends Throwable {
        private static final long serialVersionUID = 1L;

        LoopStack(String message) {
            super(message, null, false, true);
        }
    }
}
