package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A stalled loop task ended: its total time. */
@Name("loopwatch.StallEnd")
@Label("Loop Stall End")
@Description("A stalled loop task ended; gives its total time")
final class StallEndEvent extends LoopEvent {
    @Label("Stall Id")
    @Description("The number of the loopwatch.Stall this ends")
    long stallId;

    @Label("Total Time")
    @Description("How long the task ran in all")
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
