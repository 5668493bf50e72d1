package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.Lag;
import dev.loopwatch.core.LoopWatch;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Each loop's lag (how long the probe tasks queued on it waited, see the {@code lag} option), as a periodic event:
 * JFR asks for it every period of the recording's settings (every second by default) on its own thread; nothing on a loop.
 */
@Name("loopwatch.LoopLag")
@Label("Loop Lag")
@Category("loopwatch")
@Description("How long probe tasks queued on an event loop waited before it ran them, since loopwatch started")
@Period("1 s")
@StackTrace(false)
final class LoopLagEvent extends jdk.jfr.Event {
    @Label("Loop Thread")
    String loopThread;

    @Label("Samples")
    @Description("Probes that ran")
    long samples;

    @Label("Median")
    @Timespan(Timespan.NANOSECONDS)
    long p50;

    @Label("99th Percentile")
    @Timespan(Timespan.NANOSECONDS)
    long p99;

    @Label("Maximum")
    @Timespan(Timespan.NANOSECONDS)
    long max;

    /** The periodic hook: one event per probed loop. */
    static void emit() {
        LoopWatch engine = LoopWatch.current();
        if (engine == null) {
            return;
        }
        for (Lag lag : engine.lag()) {
            LoopLagEvent event = new LoopLagEvent();
            event.loopThread = lag.thread();
            event.samples = lag.samples();
            event.p50 = lag.p50Nanos();
            event.p99 = lag.p99Nanos();
            event.max = lag.maxNanos();
            event.commit();
        }
    }
}
