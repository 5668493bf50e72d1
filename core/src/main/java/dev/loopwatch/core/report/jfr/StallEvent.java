package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A loop task still running past the threshold, seen while it runs. */
@Name("loopwatch.Stall")
@Label("Loop Stall")
@Description("A loop task still running past the threshold; the loop's stack is as sampled then")
final class StallEvent extends LoopEvent {
    @Label("Stall Id")
    @Description("The stall's number in this JVM; its loopwatch.StallEnd has the same")
    long stallId;

    @Label("Running For")
    @Description("How long the task had run when loopwatch saw it")
    @Timespan(Timespan.NANOSECONDS)
    long elapsed;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;

    @Override
    void fill(Report report) {
        super.fill(report);
        stallId = report.id();
        elapsed = report.elapsedNanos();
        threshold = report.thresholdNanos();
    }
}
