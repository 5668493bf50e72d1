package dev.loopwatch.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings loopwatch runs with, already checked.
 *
 * @param thresholdNanos a task running longer is a stall
 * @param tickNanos      how often the watchdog scans the loops
 * @param reportFile     JSON-lines file, or null
 * @param log            whether reports go to the application's log
 * @param excludes       class-name prefixes never taken as the culprit
 * @param stackDepth     most frames kept per report
 * @param blocking       whether blocking calls on loops are reported ({@code blocking=report}) or not ({@code off})
 * @param allow          user allow-list entries: {@code com.acme.Cache#load} or {@code com.acme.Cache}
 */
public record LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                              List<String> excludes, int stackDepth, boolean blocking, List<String> allow) {

    /** The settings before blocking calls existed: blocking calls reported, no user allow-list entry. */
    public LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log, List<String> excludes,
                           int stackDepth) {
        this(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, true, List.of());
    }

    /** Frames of these packages are never the culprit unless {@code exclude.defaults=off}. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.",
            "io.vertx.", "reactor.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.");

    public LoopWatchConfig {
        excludes = List.copyOf(excludes);
        allow = List.copyOf(allow);
    }

    /** The defaults, as if no option was given. */
    public static LoopWatchConfig defaults() {
        try {
            return ConfigParser.parse(null, new java.util.Properties(), java.util.Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    public LoopWatchConfig withThresholdNanos(long nanos) {
        return new LoopWatchConfig(nanos, tickNanos, reportFile, log, excludes, stackDepth, blocking, allow);
    }

    public LoopWatchConfig withReportFile(Path file) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, file, log, excludes, stackDepth, blocking, allow);
    }

    public LoopWatchConfig withBlocking(boolean on) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, on, allow);
    }

    public LoopWatchConfig withLog(boolean on) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, reportFile, on, excludes, stackDepth, blocking, allow);
    }
}
