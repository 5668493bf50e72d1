package dev.loopwatch.core.config;

import java.util.Locale;

/**
 * Every option loopwatch understands. One set of keys for agent arguments ({@code threshold=50ms}),
 * system properties ({@code -Dloopwatch.threshold=50ms}) and the environment
 * ({@code LOOPWATCH_THRESHOLD=50ms}; dots become underscores).
 */
public enum Option {
    THRESHOLD("threshold", "100ms", "a task running longer than this is a stall; " + Durations.FORMS),
    REPORT("report", "", "a file to append JSON-lines reports to (empty: no file)"),
    EXCLUDE("exclude", "", "class-name prefixes that are never the culprit, added to the built-in list", true),
    EXCLUDE_DEFAULTS("exclude.defaults", "on", "on|off: skip JDK, Netty, Vert.x, Reactor and loopwatch frames"),
    LOG("log", "on", "on|off: write reports to the application's log (SLF4J) or stderr"),
    TICK("tick", "", "how often the watchdog looks at the loops (default: a tenth of the threshold, at least 1ms); "
            + Durations.FORMS),
    STACK_DEPTH("stack.depth", "64", "most stack frames kept per report, 1 to 1024"),
    SCHEDULERS("schedulers", "on", "on|off: also watch non-blocking scheduler threads (Reactor parallel-*, single-*)"),
    EXECUTORS("executors", "off", "on|off: also watch Netty DefaultEventExecutorGroup threads"),
    ACTION("action", "log", "log|interrupt|abort|slice: what a stall does besides its report (slice: experimental, JDK 21+)"),
    ABORT_INCLUDE("abort.include", "", "with action=abort or slice: class-name prefixes of application code that gets "
            + "checks (never the JDK, Netty, Vert.x, Reactor or loopwatch)", true),
    SLICE("slice", "5ms", "with action=slice: how long a task runs before it is suspended and its loop serves the rest; "
            + Durations.FORMS),
    BLOCKING("blocking", "report", "report|off: report blocking calls (sleep, wait, park, file, socket, DNS, ...) made on a loop"),
    ALLOW("allow", "", "methods where blocking on a loop is allowed, added to the built-in list: com.acme.Cache#load or a class", true),
    METERS("meters", "on", "on|off: Micrometer meters (loopwatch.stalls, loopwatch.blocking.calls, loopwatch.stall.duration,"
            + " loopwatch.loop.lag, loopwatch.tasks, loopwatch.task.duration) in the application's Metrics.globalRegistry, when Micrometer is on its class path"),
    LAG("lag", "100ms", "how often a probe task is queued on each loop to measure how long events wait there (loop lag), or off; "
            + Durations.FORMS),
    TASK_HISTOGRAM("task.histogram", "sampled", "sampled|exact: how the loopwatch.task.duration meter times tasks: "
            + "sampled, the tasks the watchdog saw at its ticks (free); exact, every task, by its loop (two clock reads "
            + "a task)");

    private final String key;
    private final String defaultValue;
    private final String help;
    private final boolean list;

    Option(String key, String defaultValue, String help) {
        this(key, defaultValue, help, false);
    }

    Option(String key, String defaultValue, String help, boolean list) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.help = help;
        this.list = list;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** A comma-separated list: in agent arguments, a bare item continues the list before it. */
    public boolean isList() {
        return list;
    }

    public String systemProperty() {
        return "loopwatch." + key;
    }

    public String environmentVariable() {
        return "LOOPWATCH_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public static Option byKey(String key) {
        for (Option option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        return null;
    }

    /** "threshold, report, ..." for error messages. */
    public static String validKeys() {
        StringBuilder keys = new StringBuilder();
        for (Option option : values()) {
            if (keys.length() > 0) {
                keys.append(", ");
            }
            keys.append(option.key);
        }
        return keys.toString();
    }
}
