package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A blocking JDK call (sleep, wait, park, file or socket I/O, DNS, ...) made on a loop thread. */
@Name("loopwatch.BlockingCall")
@Label("Blocking Call on a Loop")
@Description("A JDK call that blocks (sleep, wait, park, file or socket I/O, DNS, ...) made on a loop thread")
final class BlockingCallEvent extends LoopEvent {
    @Label("Call")
    @Description("The blocking method, e.g. java.lang.Thread.sleep")
    String call;

    @Label("Call Time")
    @Description("How long the call blocked (the longest of them, when the event stands for several)")
    @Timespan(Timespan.NANOSECONDS)
    long elapsed;

    @Label("Count")
    @Description("The calls this event stands for: itself and the same calls on the same loop since the previous "
            + "event of it that had no stack of their own")
    long count;

    @Override
    void fill(Report report) {
        super.fill(report);
        call = report.call();
        elapsed = report.elapsedNanos();
        count = report.count();
    }
}
