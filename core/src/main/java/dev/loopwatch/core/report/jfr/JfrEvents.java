package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import jdk.jfr.FlightRecorder;

import java.util.List;

/**
 * loopwatch's JFR event types and the one place that maps a report to its event. A new event type is a subclass of
 * {@link LoopEvent} (its {@code @Name}, {@code @Label} and fields, and a {@code fill} that sets them), one more entry
 * in {@link #TYPES}, and one more case in {@link #create}. A periodic one ({@link LoopLagEvent}) is added with its
 * hook in {@link #register}.
 */
final class JfrEvents {
    /** Every event type loopwatch commits, registered together once JFR runs. */
    static final List<Class<? extends LoopEvent>> TYPES =
            List.of(StallEvent.class, StallEndEvent.class, BlockingCallEvent.class);

    private JfrEvents() {
    }

    /** Whether JFR was started in this JVM; reads one static field, starts nothing. */
    static boolean recorderInitialized() {
        return FlightRecorder.isInitialized();
    }

    /**
     * Registers the event types. Classes defined in the bootstrap loader (the agent's, under {@code -javaagent}) are
     * not registered by JFR on their own: without this, {@code shouldCommit()} stays false in every recording.
     */
    static void register() {
        for (Class<? extends LoopEvent> type : TYPES) {
            FlightRecorder.register(type);
        }
        FlightRecorder.addPeriodicEvent(LoopLagEvent.class, LoopLagEvent::emit);
    }

    /** The event for this kind of report, or null when none is defined for it (an action's report). */
    static LoopEvent create(Report report) {
        switch (report.type()) {
            case STALL:
                return new StallEvent();
            case STALL_END:
                return new StallEndEvent();
            case BLOCKING_CALL:
                return new BlockingCallEvent();
            default:
                return null;
        }
    }

    /** Commits the report's event when a recording enables its type; builds nothing otherwise. */
    static void commit(Report report) {
        LoopEvent event = create(report);
        if (event != null && event.shouldCommit()) {
            event.fill(report);
            event.commit();
        }
    }
}
