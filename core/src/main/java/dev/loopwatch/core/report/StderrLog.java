package dev.loopwatch.core.report;

import java.io.PrintStream;
import java.time.Instant;

/** The log of an application without SLF4J (or without an SLF4J provider): standard error. */
final class StderrLog implements AppLog {
    private final PrintStream out;

    StderrLog(PrintStream out) {
        this.out = out;
    }

    @Override
    public void warn(String message) {
        print("WARN", message);
    }

    @Override
    public void info(String message) {
        print("INFO", message);
    }

    private void print(String level, String message) {
        out.println(JsonLinesSink.TIME.format(Instant.now()) + " " + level + " loopwatch - " + message);
    }

    @Override
    public String name() {
        return "stderr";
    }
}
