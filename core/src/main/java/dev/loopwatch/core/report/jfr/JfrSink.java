package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportSink;

/**
 * Reports as JFR events ({@code loopwatch.Stall}, {@code loopwatch.StallEnd}, {@code loopwatch.BlockingCall}, category
 * "loopwatch"), for {@code jfr print --events loopwatch} and JDK Mission Control. Committed on the reporter thread,
 * never on a loop: the per-task path does not change at all.
 *
 * <p>JFR stays untouched until a recording could want the events. Starting JFR costs a JVM 100 ms and more, so this
 * sink never starts it: it registers nothing in {@code premain}, and at each report, until JFR is up, it asks only
 * {@code FlightRecorder.isInitialized()} (one static field; it loads no class of {@code jdk.jfr.internal}). The first
 * report after JFR started (by {@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start}, the application, or a
 * library) registers the event classes once; from then on each report builds its event only when a recording
 * enables that event type ({@code shouldCommit()}). A report made while no recording ran is not kept for a later one.
 *
 * <p>This class links to no {@code jdk.jfr} type: in a runtime without the {@code jdk.jfr} module (a jlink'd image)
 * the JFR part is off, said once at the first report, and every other sink goes on. Everything that touches
 * {@code jdk.jfr} is in {@link JfrEvents}, loaded only after the module was found.
 */
public final class JfrSink implements ReportSink {
    private static final int UNKNOWN = 0;
    private static final int WAITING_FOR_JFR = 1;
    private static final int REGISTERED = 2;
    private static final int OFF = 3;

    /** Read and written on the reporter thread only. */
    private int state = UNKNOWN;

    @Override
    public void accept(Report report) {
        if (state != REGISTERED && !ready()) {
            return;
        }
        JfrEvents.commit(report);
    }

    private boolean ready() {
        if (state == OFF) {
            return false;
        }
        if (state == UNKNOWN) {
            if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
                state = OFF;
                Diagnostics.once("jfr", "loopwatch: no JFR events: this runtime has no jdk.jfr module; the other reports go on");
                return false;
            }
            state = WAITING_FOR_JFR;
        }
        if (!JfrEvents.recorderInitialized()) {
            return false;
        }
        JfrEvents.register();
        state = REGISTERED;
        return true;
    }

    /** Whether the event classes are registered with JFR (for tests): false until JFR ran and a report came. */
    public boolean registered() {
        return state == REGISTERED;
    }
}
