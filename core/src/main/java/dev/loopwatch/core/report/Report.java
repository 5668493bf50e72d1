package dev.loopwatch.core.report;

import java.time.Instant;
import java.util.List;

/**
 * One report about one loop task.
 *
 * @param type           what happened
 * @param id             the stall's number in this JVM; a stall and its stall-end share it
 * @param time           when the watchdog saw it
 * @param thread         the loop thread's name
 * @param elapsedNanos   for a stall, how long the task had run when seen; for a stall-end, its total time
 * @param thresholdNanos the threshold in force
 * @param task           what the task is (kind and the outermost application frame), never null
 * @param culprit        the first application frame, or null when no stack could be taken
 * @param stack          the sampled stack, innermost frame first (empty when none could be taken)
 * @param threadKind     what the thread is: {@code loop} (an I/O event loop), {@code scheduler} (a
 *                       non-blocking scheduler thread, Reactor's {@code parallel-*}) or {@code executor}
 *                       (a Netty {@code DefaultEventExecutor}, with {@code executors=on})
 * @param call           for a blocking call, the blocking method ({@code java.lang.Thread.sleep}); else null
 * @param count          for a blocking call, the calls this report stands for: itself and the calls of the
 *                       same method on the same loop since the previous report of it that had no stack of
 *                       their own (over the stack budget); else 0
 * @param stallTime      for a stall or stall-end, where its time went so far (the task, class loading, the JVM's
 *                       pauses) and its profile; null when not known
 */
public record Report(ReportType type, long id, Instant time, String thread, long elapsedNanos,
                     long thresholdNanos, String task, StackTraceElement culprit, List<StackTraceElement> stack,
                     String threadKind, String call, long count, StallTime stallTime) {

    public Report {
        stack = List.copyOf(stack);
        threadKind = threadKind == null ? "loop" : threadKind;
    }

    /** A stall or stall-end report about an I/O event loop. */
    public Report(ReportType type, long id, Instant time, String thread, long elapsedNanos,
                  long thresholdNanos, String task, StackTraceElement culprit, List<StackTraceElement> stack) {
        this(type, id, time, thread, elapsedNanos, thresholdNanos, task, culprit, stack, "loop");
    }

    /** A stall or stall-end report about a thread of the given kind. */
    public Report(ReportType type, long id, Instant time, String thread, long elapsedNanos, long thresholdNanos,
                  String task, StackTraceElement culprit, List<StackTraceElement> stack, String threadKind) {
        this(type, id, time, thread, elapsedNanos, thresholdNanos, task, culprit, stack, threadKind, null, 0, null);
    }

    /** A report of any kind without a stall time. */
    public Report(ReportType type, long id, Instant time, String thread, long elapsedNanos, long thresholdNanos,
                  String task, StackTraceElement culprit, List<StackTraceElement> stack, String threadKind,
                  String call, long count) {
        this(type, id, time, thread, elapsedNanos, thresholdNanos, task, culprit, stack, threadKind, call, count, null);
    }

    /** A blocking-call report (on a loop). */
    public Report(ReportType type, long id, Instant time, String thread, long elapsedNanos, long thresholdNanos,
                  String task, StackTraceElement culprit, List<StackTraceElement> stack, String call, long count) {
        this(type, id, time, thread, elapsedNanos, thresholdNanos, task, culprit, stack, "loop", call, count);
    }

    /** {@code pkg.Class.method(File.java:42)}: unlike {@link StackTraceElement#toString()}, no module or loader. */
    public static String frame(StackTraceElement e) {
        if (e == null) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.isNativeMethod()) {
            b.append("Native Method");
        } else if (e.getFileName() == null) {
            b.append("Unknown Source");
        } else {
            b.append(e.getFileName());
            if (e.getLineNumber() >= 0) {
                b.append(':').append(e.getLineNumber());
            }
        }
        return b.append(')').toString();
    }

    /** The culprit as {@code pkg.Class.method(File.java:42)}. */
    public String culpritFrame() {
        return frame(culprit);
    }
}
