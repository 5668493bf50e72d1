package dev.loopwatch.core.report;

/** The application's log as loopwatch writes to it: a warning or an information, one message each. */
public interface AppLog {
    void warn(String message);

    void info(String message);

    /** What this log is, for diagnostics: {@code "slf4j"} or {@code "stderr"}. */
    String name();
}
