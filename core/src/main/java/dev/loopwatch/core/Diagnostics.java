package dev.loopwatch.core;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * loopwatch's own troubles: every fault of loopwatch is counted here (tests assert the count stays zero)
 * and said once, on standard error, per part that failed. This is loopwatch's internal log; reports go
 * to the application's log instead.
 */
public final class Diagnostics {
    private static final AtomicLong ERRORS = new AtomicLong();
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
    private static final Map<String, String> FAILURES = new ConcurrentHashMap<>();
    private static volatile PrintStream out = System.err;

    private Diagnostics() {
    }

    /** Counts a fault of loopwatch in {@code part}, and says so the first time that part fails. */
    public static void error(String part, Throwable failure) {
        ERRORS.incrementAndGet();
        String what = failure.getClass().getName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        FAILURES.putIfAbsent(part, what);
        once("error:" + part, "loopwatch: internal error in " + part + " (" + what + "); the service is not affected");
    }

    /** Counts a fault that switched {@code part} off, and says so once. */
    public static void disabled(String part, Throwable failure) {
        ERRORS.incrementAndGet();
        String what = failure.getClass().getName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        FAILURES.putIfAbsent(part, what);
        once("off:" + part, "loopwatch: " + part + " is off after an internal error (" + what
                + "); the rest of loopwatch and the service go on");
    }

    /** Prints {@code message} on standard error unless a message with this key was printed before. */
    public static void once(String key, String message) {
        if (SAID.add(key)) {
            out.println(message);
        }
    }

    /** Faults of loopwatch since the JVM started. */
    public static long errors() {
        return ERRORS.get();
    }

    /** The first fault of each part that failed: part to exception. */
    public static Map<String, String> failures() {
        return Map.copyOf(FAILURES);
    }

    /** For tests of loopwatch itself: where diagnostics are printed. */
    static void printTo(PrintStream stream) {
        out = stream;
    }
}
