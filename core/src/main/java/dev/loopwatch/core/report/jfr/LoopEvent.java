package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;
import jdk.jfr.Timestamp;

/**
 * What every loopwatch event carries: the loop thread, the task, the culprit frame and the loop's stack. The event is
 * committed on loopwatch's reporter thread, so JFR's own stack trace and event thread would be the reporter's: the
 * stack trace is off ({@code @StackTrace(false)}) and the loop's sampled stack is the text field {@code stack}.
 */
@Category("loopwatch")
@StackTrace(false)
abstract class LoopEvent extends Event {
    @Label("Loop Thread")
    @Description("The name of the loop thread")
    String loopThread;

    @Label("Thread Kind")
    @Description("loop (an I/O event loop), scheduler (a non-blocking scheduler thread) or executor")
    String threadKind;

    @Label("Task")
    @Description("What the task is: its kind and the outermost application frame")
    String task;

    @Label("Culprit")
    @Description("The first application frame of the loop's stack")
    String culprit;

    @Label("Loop Stack")
    @Description("The loop thread's stack as loopwatch sampled it, innermost frame first, one frame a line")
    String stack;

    @Label("Seen At")
    @Description("When loopwatch saw it (the event itself is committed a moment later, on loopwatch's reporter thread)")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long seenAt;

    /** Sets the fields from the report; a subclass adds its own. */
    void fill(Report report) {
        loopThread = report.thread();
        threadKind = report.threadKind();
        task = report.task();
        culprit = report.culprit() == null ? null : report.culpritFrame();
        stack = stack(report);
        seenAt = report.time().toEpochMilli();
    }

    private static String stack(Report report) {
        StringBuilder b = new StringBuilder(report.stack().size() * 64);
        for (StackTraceElement frame : report.stack()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(Report.frame(frame));
        }
        return b.toString();
    }
}
