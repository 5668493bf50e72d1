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

    @Label("Cause")
    @Description("What most of the time was: task, class-loading, gc or safepoint")
    String cause;

    @Label("Task Time")
    @Description("The task's own work")
    @Timespan(Timespan.NANOSECONDS)
    long taskTime;

    @Label("Class Loading Time")
    @Description("Loading, linking and initialising classes for the task")
    @Timespan(Timespan.NANOSECONDS)
    long classLoadingTime;

    @Label("GC Time")
    @Description("Garbage-collection pauses during the stall")
    @Timespan(Timespan.NANOSECONDS)
    long gcTime;

    @Label("Safepoint Time")
    @Description("Other JVM pauses during the stall")
    @Timespan(Timespan.NANOSECONDS)
    long safepointTime;

    @Override
    void fill(Report report) {
        super.fill(report);
        stallId = report.id();
        elapsed = report.elapsedNanos();
        threshold = report.thresholdNanos();
        if (report.stallTime() != null) {
            cause = report.stallTime().cause();
            taskTime = report.stallTime().taskNanos();
            classLoadingTime = report.stallTime().classLoadingNanos();
            gcTime = report.stallTime().gcNanos();
            safepointTime = report.stallTime().safepointNanos();
        }
    }
}
