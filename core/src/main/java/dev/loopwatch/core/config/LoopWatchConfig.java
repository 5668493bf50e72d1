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
 * @param action         what a stall does besides its report
 * @param abortIncludes  class-name prefixes that get abort checks (empty unless action is abort)
 * @param blocking       whether blocking calls on loops are reported ({@code blocking=report}) or not ({@code off})
 * @param allow          user allow-list entries: {@code com.acme.Cache#load} or {@code com.acme.Cache}
 * @param sliceNanos     with {@code action=slice}: how long a task runs before it is suspended
 * @param lagNanos       how often a probe task is queued on each loop to measure its lag; 0 for never
 * @param meters         whether loopwatch's meters go to the application's Micrometer, when it has one
 * @param exactTaskHistogram whether every task is timed by its loop ({@code task.histogram=exact}), not only the
 *                       tasks the watchdog saw at its ticks ({@code sampled})
 */
public record LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                              List<String> excludes, int stackDepth, boolean schedulers, boolean executors,
                              Action action, List<String> abortIncludes, boolean blocking, List<String> allow,
                              long sliceNanos, long lagNanos, boolean meters, boolean exactTaskHistogram) {

    /** Frames of these packages are never the culprit unless {@code exclude.defaults=off}. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.",
            "io.vertx.", "reactor.",
            "org.springframework.", "io.grpc.", "com.google.protobuf.", "io.micrometer.", "io.micronaut.",
            // Quarkus: its own code (the fast-jar class loader, the HTTP recorder), its REST layer and Mutiny.
            "io.quarkus.", "org.jboss.resteasy.reactive.", "io.smallrye.mutiny.", "io.smallrye.context.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.shaded.",
            "dev.loopwatch.TaskTimeoutException");

    /**
     * Packages that never get abort checks: throwing inside the JDK, a framework or loopwatch itself would
     * corrupt lock, executor or pipeline state. {@code abort.include} may not name them, nor a prefix of them.
     */
    public static final List<String> NEVER_ABORTED = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.", "io.vertx.", "reactor.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.shaded.",
            "dev.loopwatch.TaskTimeoutException", "org.objectweb.asm.");

    public LoopWatchConfig {
        excludes = List.copyOf(excludes);
        abortIncludes = List.copyOf(abortIncludes);
        allow = List.copyOf(allow);
    }

    /**
     * The settings with the defaults for the rest: schedulers watched, executors not, {@code action=log},
     * blocking calls reported, no user allow-list entry.
     */
    public LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                           List<String> excludes, int stackDepth) {
        this(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, true, false, Action.LOG, List.of(),
                true, List.of(), 5_000_000L, 0, false, false);
    }

    /** True when a class of this name may get abort checks: under abort.include and not a protected package. */
    public boolean abortable(String className) {
        for (String never : NEVER_ABORTED) {
            if (className.startsWith(never)) {
                return false;
            }
        }
        for (String prefix : abortIncludes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The same settings under another action (action=slice where slicing is not available runs as log). */
    public LoopWatchConfig withAction(Action other) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, schedulers,
                executors, other, other.checks() ? abortIncludes : List.of(), blocking, allow, sliceNanos, lagNanos, meters,
                exactTaskHistogram);
    }

    /** The defaults, as if no option was given. */
    public static LoopWatchConfig defaults() {
        try {
            return ConfigParser.parse(null, new java.util.Properties(), java.util.Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }
}
