package dev.loopwatch.core;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of loopwatch in this JVM.
 *
 * @param running         whether the watchdog runs
 * @param instrumented    whether the agent finished installing its instrumentations
 * @param loops           loop threads watched now
 * @param stalls          stalls seen since start
 * @param reports         reports delivered to the sinks
 * @param dropped         reports dropped because the sinks fell behind
 * @param errors          loopwatch's own faults (zero in a healthy run)
 * @param failures        the first fault of each part that failed
 * @param instrumentations library line to the types instrumented for it
 * @param log             which log reports went to ({@code slf4j} or {@code stderr}), null before any
 * @param blockingCalls   blocking calls seen on loops (reported, credited to a report, or allowed)
 * @param allowedCalls    of those, the calls inside allow-listed methods
 */
public record Status(boolean running, boolean instrumented, int loops, long stalls, long reports, long dropped, long errors,
                     Map<String, String> failures, Map<String, List<String>> instrumentations, String log,
                     long blockingCalls, long allowedCalls) {
}
