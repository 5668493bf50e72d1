package dev.loopwatch.core.config;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Reads and prints durations written like {@code 250us}, {@code 50ms}, {@code 2s}, {@code 1m}. */
public final class Durations {
    /** How a user may write a duration; quoted in error messages. */
    public static final String FORMS = "a duration like 500us, 50ms, 2s or 1m";

    private Durations() {
    }

    /** Parses a duration to nanoseconds; throws {@link IllegalArgumentException} naming the valid forms. */
    public static long parseNanos(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int unitAt = 0;
        while (unitAt < s.length() && (Character.isDigit(s.charAt(unitAt)) || s.charAt(unitAt) == '.')) {
            unitAt++;
        }
        if (unitAt == 0 || unitAt == s.length()) {
            throw new IllegalArgumentException("expected " + FORMS);
        }
        double amount;
        try {
            amount = Double.parseDouble(s.substring(0, unitAt));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + FORMS);
        }
        double nanosPerUnit;
        switch (s.substring(unitAt)) {
            case "ns": nanosPerUnit = 1; break;
            case "us": nanosPerUnit = TimeUnit.MICROSECONDS.toNanos(1); break;
            case "ms": nanosPerUnit = TimeUnit.MILLISECONDS.toNanos(1); break;
            case "s": nanosPerUnit = TimeUnit.SECONDS.toNanos(1); break;
            case "m": nanosPerUnit = TimeUnit.MINUTES.toNanos(1); break;
            default: throw new IllegalArgumentException("expected " + FORMS + " (units: ns, us, ms, s, m)");
        }
        double nanos = amount * nanosPerUnit;
        if (nanos < 1 || nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("expected " + FORMS + " greater than zero");
        }
        return Math.round(nanos);
    }

    /** Milliseconds with one decimal, for reports: {@code 301.4}. */
    public static double toMillis(long nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }

    /** A short human form: {@code 50 ms}, {@code 1.5 ms}, {@code 800 us}, {@code 2.1 s}. */
    public static String format(long nanos) {
        if (nanos >= 10_000_000_000L) {
            return (nanos / 1_000_000_000L) + " s";
        }
        if (nanos >= 10_000_000L) {
            return (nanos / 1_000_000L) + " ms";
        }
        if (nanos >= 1_000_000L) {
            return toMillis(nanos) + " ms";
        }
        return (nanos / 1_000L) + " us";
    }
}
