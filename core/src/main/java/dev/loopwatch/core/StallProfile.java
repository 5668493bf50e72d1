package dev.loopwatch.core;

import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.StallTime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stall's time, sampled while it lasts: each stack sample stands for the time since the one before, less what the
 * JVM's counters say was spent stopped at safepoints meanwhile (GC, others). A stall that began in a class's
 * initialiser and went on in the handler's own loop is then seen as both, with the milliseconds of each, instead of
 * being named after its first sample only. Touched by the watchdog thread only.
 *
 * <p>The samples cost the watchdog a stack walk of the loop each (tens of microseconds); they are taken every
 * {@code interval}, doubled every {@link #SAMPLES_PER_DOUBLING} samples, so that a stall of an hour costs as few
 * samples as one of a few seconds times a small factor.
 */
final class StallProfile {
    static final int SAMPLES_PER_DOUBLING = 128;
    private static final String OTHER = "other";
    /** The task's own time when no sample saw it: it ended before the watchdog's first stack walk came back. */
    static final String NOT_SAMPLED = "not sampled (the task ended first)";

    private final JvmCounters counters;
    private final Map<String, long[]> byWhat = new LinkedHashMap<>();
    /** Each culprit method's name in the profile: with the line it was first seen at. */
    private final Map<String, String> firstLine = new java.util.HashMap<>();
    private long interval;
    private int samples;
    private long lastAt;
    private long lastPause;
    private long lastGc;
    private String lastWhat;
    private boolean lastClassLoading;
    private long task;
    private long classLoading;
    private long gc;
    private long safepoint;

    /**
     * @param start         when the task began (nanoTime)
     * @param pauseAtStart  the JVM's safepoint time then (see {@link JvmCounters}), or 0 without counters
     * @param gcAtStart     the JVM's GC time then
     * @param interval      the time between samples at first
     */
    StallProfile(JvmCounters counters, long start, long pauseAtStart, long gcAtStart, long interval) {
        this.counters = counters;
        this.lastAt = start;
        this.lastPause = pauseAtStart;
        this.lastGc = gcAtStart;
        this.interval = interval;
    }

    /** Whether a sample is due at {@code now}. */
    boolean due(long now) {
        return now - lastAt >= interval;
    }

    /** A stack sample taken at {@code now}: it stands for the time since the last one. */
    void sample(long now, StackTraceElement[] stack, StackAnalyzer analyzer) {
        String initialising = ClassLoadingFrames.initialising(stack);
        boolean loading = initialising != null || ClassLoadingFrames.loading(stack, analyzer);
        String what = initialising != null ? "initialising " + initialising
                : (loading ? "loading classes at " : "") + method(analyzer.culprit(stack));
        account(now, what, loading);
        if (++samples % SAMPLES_PER_DOUBLING == 0) {
            interval *= 2;
        }
    }

    /**
     * The culprit's method, named by its first line seen: samples in other lines of the same method are the same place
     * (a loop's body spans several lines).
     */
    private String method(StackTraceElement frame) {
        if (frame == null) {
            return Report.frame(null);
        }
        String method = frame.getClassName() + "." + frame.getMethodName();
        String named = firstLine.get(method);
        if (named == null) {
            named = Report.frame(frame);
            if (firstLine.size() < 4 * StallTime.MAX_PROFILE) {
                firstLine.put(method, named);
            }
        }
        return named;
    }

    /** The stall ended at {@code end}: the time since the last sample goes to what that sample showed. */
    StallTime end(long end) {
        // Without a sample the JVM's counters still tell the GC's and the safepoints' part of the time (a GC pause
        // that makes a short task stall often ends it before the watchdog, stopped too, can walk its stack).
        account(end, lastWhat != null ? lastWhat : NOT_SAMPLED, lastClassLoading);
        return snapshot();
    }

    /** The time accounted so far. */
    StallTime snapshot() {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(byWhat.entrySet());
        entries.sort(LONGEST_FIRST);
        List<StallTime.Entry> profile = new ArrayList<>();
        long other = 0;
        boolean all = entries.size() <= StallTime.MAX_PROFILE && !byWhat.containsKey(OTHER);
        for (Map.Entry<String, long[]> e : entries) {
            if (!e.getKey().equals(OTHER) && (all || profile.size() < StallTime.MAX_PROFILE - 1)) {
                profile.add(new StallTime.Entry(e.getKey(), e.getValue()[0]));
            } else {
                other += e.getValue()[0];
            }
        }
        if (other > 0) {
            profile.add(new StallTime.Entry(OTHER, other));
        }
        return new StallTime(task, classLoading, gc, safepoint, profile);
    }

    private void account(long now, String what, boolean loading) {
        long span = Math.max(0, now - lastAt);
        long pause = 0;
        long gcPart = 0;
        if (counters != null) {
            long pauseNow = counters.pauseNanos();
            long gcNow = counters.gcNanos();
            pause = Math.min(span, Math.max(0, pauseNow - lastPause));
            gcPart = Math.min(pause, Math.max(0, gcNow - lastGc));
            lastPause = pauseNow;
            lastGc = gcNow;
        }
        gc += gcPart;
        safepoint += pause - gcPart;
        if (gcPart > 0) {
            add("garbage collection", gcPart);
        }
        if (pause - gcPart > 0) {
            add("safepoints", pause - gcPart);
        }
        long own = span - pause;
        if (loading) {
            classLoading += own;
        } else {
            task += own;
        }
        if (own > 0) {
            add(what, own);
        }
        lastAt = now;
        lastWhat = what;
        lastClassLoading = loading;
    }

    private void add(String what, long nanos) {
        long[] total = byWhat.get(what);
        if (total == null && byWhat.size() >= 4 * StallTime.MAX_PROFILE) {
            what = OTHER; // bounded: a stall that wanders through many frames keeps its largest few
            total = byWhat.get(what);
        }
        if (total == null) {
            total = new long[1];
            byWhat.put(what, total);
        }
        total[0] += nanos;
    }

    private static final Comparator<Map.Entry<String, long[]>> LONGEST_FIRST = new LongestFirst();

    /** A class rather than a lambda: the first stall of a cold JVM would pay for generating one. */
    private static final class LongestFirst implements Comparator<Map.Entry<String, long[]>> {
        @Override
        public int compare(Map.Entry<String, long[]> a, Map.Entry<String, long[]> b) {
            return Long.compare(b.getValue()[0], a.getValue()[0]);
        }
    }
}
