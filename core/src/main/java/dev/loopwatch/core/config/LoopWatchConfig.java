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
 * @param action         what a stall does besides its report
 * @param abortIncludes  class-name prefixes that get abort checks (empty unless action is abort)
 */
public record LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log,
                              List<String> excludes, int stackDepth, Action action, List<String> abortIncludes) {

    /**
     * Packages that never get abort checks: throwing inside the JDK, a framework or loopwatch itself would
     * corrupt lock, executor or pipeline state. {@code abort.include} may not name them, nor a prefix of them.
     */
    public static final List<String> NEVER_ABORTED = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.", "io.vertx.", "reactor.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.shaded.",
            "dev.loopwatch.TaskTimeoutException", "net.bytebuddy.", "org.objectweb.asm.");

    /** The settings with {@code action=log}. */
    public LoopWatchConfig(long thresholdNanos, long tickNanos, Path reportFile, boolean log, List<String> excludes,
                           int stackDepth) {
        this(thresholdNanos, tickNanos, reportFile, log, excludes, stackDepth, Action.LOG, List.of());
    }

    /** Frames of these packages are never the culprit unless {@code exclude.defaults=off}. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.netty.", "io.grpc.netty.shaded.io.netty.",
            "io.vertx.", "reactor.",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.TaskTimeoutException");

    public LoopWatchConfig {
        excludes = List.copyOf(excludes);
        abortIncludes = List.copyOf(abortIncludes);
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

    /** The defaults, as if no option was given. */
    public static LoopWatchConfig defaults() {
        try {
            return ConfigParser.parse(null, new java.util.Properties(), java.util.Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    public LoopWatchConfig withThresholdNanos(long nanos) {
        return new LoopWatchConfig(nanos, tickNanos, reportFile, log, excludes, stackDepth, action, abortIncludes);
    }

    public LoopWatchConfig withReportFile(Path file) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, file, log, excludes, stackDepth, action, abortIncludes);
    }

    public LoopWatchConfig withLog(boolean on) {
        return new LoopWatchConfig(thresholdNanos, tickNanos, reportFile, on, excludes, stackDepth, action, abortIncludes);
    }
}
