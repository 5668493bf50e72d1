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
 * @param schedulers     whether non-blocking scheduler threads (Reactor {@code parallel-*}) are watched
 * @param executors      whether Netty {@code DefaultEventExecutorGroup} threads are watched
 */
public record LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                              List<String> excludes, int stackDepth, boolean schedulers, boolean executors) {

    /** Frames of these packages are never the culprit unless {@code exclude.defaults=off}. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.",
            "io.vertx.", "reactor.",
            "org.springframework.", "io.grpc.", "com.google.protobuf.", "io.micrometer.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.shaded.");

    public LoopWatchConfig {
        excludes = List.copyOf(excludes);
    }

    /** Schedulers watched, executors not: the defaults of those two options. */
    public LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                           List<String> excludes, int stackDepth) {
        this(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, true, false);
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
        return new LoopWatchConfig(nanos, tickNanos, reportFile, log, excludes, stackDepth, schedulers, executors);
    }

    public LoopWatchConfig withReportFile(Path file) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, file, log, excludes, stackDepth, schedulers, executors);
    }

    public LoopWatchConfig withLog(boolean on) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, reportFile, on, excludes, stackDepth, schedulers, executors);
    }
}
