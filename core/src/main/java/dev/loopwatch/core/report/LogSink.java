package dev.loopwatch.core.report;

import dev.loopwatch.core.config.Durations;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Writes reports as readable multi-line log messages: a warning while a task stalls, an information
 * line when it ends. The log is chosen at the first report, when the application's logging is set up.
 */
public final class LogSink implements ReportSink {
    /** Frames printed under a stall before the rest are summarised. */
    static final int MAX_PRINTED_FRAMES = 24;
    /** Frames printed when no frame is the application's: the top of the stack is then the clue. */
    static final int FRAMEWORK_ONLY_FRAMES = 12;

    private final Supplier<ClassLoader> appLoader;
    private final PrintStream stderr;
    private final Predicate<String> isFramework;
    /** Made at the first blocking call's report (reporter thread): a method reference made at start costs a class. */
    private BlockingLogLimiter blockingLimiter;
    private final StallLogLimiter stallLimiter = new StallLogLimiter();
    private AppLog log;

    /**
     * @param appLoader   where the application's SLF4J is looked for, at the first report
     * @param stderr      the fallback log
     * @param isFramework tells framework classes from application classes, to shorten stacks
     */
    public LogSink(Supplier<ClassLoader> appLoader, PrintStream stderr, Predicate<String> isFramework) {
        this.appLoader = appLoader;
        this.stderr = stderr;
        this.isFramework = isFramework;
    }

    /** Which log the reports went to, or null before the first report. */
    public String logName() {
        return log == null ? null : log.name();
    }

    @Override
    public void accept(Report report) {
        if (log == null) {
            log = Slf4jLog.find(appLoader.get(), stderr);
        }
        String note = report.type() == ReportType.BLOCKING_CALL ? "" : stallLimiter.admit(report, System.nanoTime());
        if (note == null) {
            return; // a repeat of a stall logged in the last seconds: counted, said with the next one logged
        }
        switch (report.type()) {
            case STALL: log.warn(stallMessage(report, note)); break;
            case STALL_END: log.info(endMessage(report)); break;
            case ABORT: case INTERRUPT: case NOT_INTERRUPTED: log.warn(actionMessage(report)); break;
            case SLICE_FALLBACK: log.warn(sliceMessage(report)); break;
            case BLOCKING_CALL:
                if (blockingLimiter == null) {
                    blockingLimiter = new BlockingLogLimiter(this::stackLines);
                }
                String message = blockingLimiter.admit(report);
                if (message != null) {
                    log.warn(message);
                }
                break;
            default: throw new IllegalArgumentException(report.type().toString());
        }
    }

    String stallMessage(Report r) {
        return stallMessage(r, "");
    }

    /** {@code note}: what the first line ends with (how many repeats of this stall went unlogged). */
    String stallMessage(Report r, String note) {
        StringBuilder b = new StringBuilder(512);
        b.append(r.threadKind()).append(' ').append(r.thread()).append(" stalled: running ").append(Durations.format(r.elapsedNanos()))
                .append(" (threshold ").append(Durations.format(r.thresholdNanos())).append(")");
        StallTime time = r.stallTime();
        if (time != null && !time.cause().equals("task")) {
            b.append(", mostly ").append(CAUSES.get(time.cause()));
        }
        b.append(note);
        b.append("\n    task:    ").append(r.task()).append('\n');
        b.append("    culprit: ").append(r.culprit() == null ? "unknown (the task ended while its stack was taken)"
                : r.culpritFrame());
        stackLines(b, r.stack());
        return b.toString();
    }

    /** Appends the report's frames, one per line, up to the last application frame. */
    void stackLines(StringBuilder b, List<StackTraceElement> stack) {
        int printed = 0;
        int lastApp = lastApplicationFrame(stack);
        if (lastApp < 0) {
            lastApp = Math.min(stack.size(), FRAMEWORK_ONLY_FRAMES) - 1;
        }
        for (int i = 0; i < stack.size(); i++) {
            if (printed == MAX_PRINTED_FRAMES || (i > lastApp && printed > 0)) {
                b.append("\n        ... ").append(stack.size() - i).append(" framework frames");
                break;
            }
            b.append("\n        at ").append(Report.frame(stack.get(i)));
            printed++;
        }
    }

    private int lastApplicationFrame(List<StackTraceElement> stack) {
        for (int i = stack.size() - 1; i >= 0; i--) {
            if (!isFramework.test(stack.get(i).getClassName())) {
                return i;
            }
        }
        return -1;
    }

    static String actionMessage(Report r) {
        String what;
        switch (r.type()) {
            case ABORT: what = "asked the task to stop (TaskTimeoutException at its next abort check)"; break;
            case INTERRUPT: what = "interrupted the loop thread while it waited"; break;
            default: what = "did not interrupt: the task is not waiting in sleep, wait or park (reported once per culprit)";
        }
        return "loop " + r.thread() + " " + what + " after " + Durations.format(r.elapsedNanos()) + " (threshold "
                + Durations.format(r.thresholdNanos()) + "): " + r.task() + " at " + r.culpritFrame();
    }

    static String sliceMessage(Report r) {
        return "loop " + r.thread() + " did not suspend a task (" + r.task() + "): it runs on unsliced, reported once per"
                + " reason and culprit: " + r.culpritFrame();
    }

    static String endMessage(Report r) {
        String line = r.threadKind() + " " + r.thread() + " resumed after " + Durations.format(r.elapsedNanos())
                + " (threshold " + Durations.format(r.thresholdNanos()) + "): " + r.task() + " at " + r.culpritFrame();
        StallTime time = r.stallTime();
        if (time == null || (time.cause().equals("task") && significant(time, r.elapsedNanos()) <= 1)) {
            return line; // the task's, in one place but for crumbs: the line says it all
        }
        StringBuilder b = new StringBuilder(line).append("\n    time:    ");
        String sep = "";
        long[] parts = {time.taskNanos(), time.classLoadingNanos(), time.gcNanos(), time.safepointNanos()};
        String[] names = {"task", "class-loading", "gc", "safepoint"};
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] > 0) {
                b.append(sep).append(CAUSES.get(names[i])).append(' ').append(Durations.format(parts[i]));
                sep = ", ";
            }
        }
        for (StallTime.Entry e : time.profile()) {
            b.append("\n        ").append(Durations.format(e.nanos())).append("  ").append(e.what());
        }
        return b.toString();
    }

    /** Entries of the profile that took a tenth of the stall or more. */
    private static int significant(StallTime time, long elapsedNanos) {
        int n = 0;
        for (StallTime.Entry e : time.profile()) {
            if (e.nanos() * 10 >= elapsedNanos) {
                n++;
            }
        }
        return n;
    }

    /** How the log names each {@link StallTime#cause()}. */
    private static final Map<String, String> CAUSES = Map.of("task", "the task's own work",
            "class-loading", "class loading and initialisation", "gc", "garbage-collection pauses",
            "safepoint", "JVM safepoint pauses");
}
