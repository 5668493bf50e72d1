package dev.loopwatch.core;

import dev.loopwatch.core.report.JsonLinesSink;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of loopwatch in this JVM.
 *
 * @param running         whether the watchdog runs
 * @param instrumented    whether the agent finished installing its instrumentations
 * @param loops           loop threads watched now
 * @param stalls          stalls seen since start
 * @param unobserved      tasks that may have run past the threshold while the watchdog got no CPU (not
 *                        reported: the watchdog was not there to see them)
 * @param reports         reports delivered to the sinks
 * @param dropped         reports dropped because the sinks fell behind
 * @param errors          loopwatch's own faults (zero in a healthy run)
 * @param failures        the first fault of each part that failed
 * @param instrumentations library line to the types instrumented for it
 * @param log             which log reports went to ({@code slf4j} or {@code stderr}), null before any
 * @param blockingCalls   blocking calls seen on loops (reported, credited to a report, or allowed)
 * @param allowedCalls    of those, the calls inside allow-listed methods
 * @param slices          action=slice: times a task was suspended so that its loop could serve the rest
 * @param sliceFallbacks  action=slice: decisions not to suspend a task, by reason (pinned, monitor, lock,
 *                        thread-local, ordering, loop)
 */
public record Status(boolean running, boolean instrumented, int loops, long stalls, long unobserved, long reports, long dropped, long errors,
                     Map<String, String> failures, Map<String, List<String>> instrumentations, String log,
                     long blockingCalls, long allowedCalls, long slices, Map<String, Long> sliceFallbacks) {

    public Status {
        sliceFallbacks = Map.copyOf(sliceFallbacks);
    }

    /**
     * The counters as one JSON object, for a health endpoint: {@code running}, {@code instrumented},
     * {@code errors}, {@code stalls}, {@code unobserved}, {@code reports}, {@code dropped}, {@code loops}, {@code blocking},
     * {@code allowed}, {@code log} and {@code instrumentations} (each library line with the number of types
     * instrumented for it). The failures' texts are left out: they are in the log once each.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"running\":").append(running)
                .append(",\"instrumented\":").append(instrumented)
                .append(",\"errors\":").append(errors)
                .append(",\"stalls\":").append(stalls)
                .append(",\"unobserved\":").append(unobserved)
                .append(",\"reports\":").append(reports)
                .append(",\"dropped\":").append(dropped)
                .append(",\"loops\":").append(loops)
                .append(",\"blocking\":").append(blockingCalls)
                .append(",\"allowed\":").append(allowedCalls)
                .append(",\"slices\":").append(slices)
                .append(",\"sliceFallbacks\":{");
        String comma = "";
        for (Map.Entry<String, Long> f : new java.util.TreeMap<>(sliceFallbacks).entrySet()) {
            b.append(comma);
            JsonLinesSink.string(b, f.getKey());
            b.append(':').append(f.getValue());
            comma = ",";
        }
        b.append('}')
                .append(",\"log\":");
        if (log == null) {
            b.append("null");
        } else {
            JsonLinesSink.string(b, log);
        }
        b.append(",\"instrumentations\":{");
        String sep = "";
        for (Map.Entry<String, List<String>> line : instrumentations.entrySet()) {
            b.append(sep);
            JsonLinesSink.string(b, line.getKey());
            b.append(':').append(line.getValue().size());
            sep = ",";
        }
        return b.append("}}").toString();
    }
}
