package dev.loopwatch.core.report;

import dev.loopwatch.core.config.Durations;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns blocking-call reports into log lines, aggregated per call site (the call and its culprit frame):
 * the first call from a site is logged at once, later ones at most once per {@link #INTERVAL_NANOS} per
 * site, each line saying how many calls from there it stands for. Nothing is lost: every call is in a
 * count. Reporter thread only.
 */
final class BlockingLogLimiter {
    static final long INTERVAL_NANOS = 10_000_000_000L;
    /** Sites remembered at most; beyond, the memory starts afresh (a line too many, never a call lost). */
    static final int MAX_SITES = 10_000;

    private final Map<String, Site> sites = new HashMap<>();
    private final BiConsumer<StringBuilder, List<StackTraceElement>> stackLines;

    BlockingLogLimiter(BiConsumer<StringBuilder, List<StackTraceElement>> stackLines) {
        this.stackLines = stackLines;
    }

    private static final class Site {
        long loggedAt;
        long unlogged;
        long unloggedNanos;
    }

    /** The log message for {@code r}, or null while its site is rate-limited (the call is counted). */
    String admit(Report r) {
        return admit(r, System.nanoTime());
    }

    String admit(Report r, long now) {
        String key = r.call() + " @ " + r.culpritFrame();
        Site site = sites.get(key);
        if (site == null) {
            if (sites.size() >= MAX_SITES) {
                sites.clear();
            }
            site = new Site();
            site.loggedAt = now;
            sites.put(key, site);
            return message(r, r.count() - 1, 0, 0);
        }
        if (now - site.loggedAt < INTERVAL_NANOS) {
            site.unlogged += r.count();
            site.unloggedNanos = now - site.loggedAt;
            return null;
        }
        long more = site.unlogged + r.count() - 1;
        long since = now - site.loggedAt;
        site.loggedAt = now;
        site.unlogged = 0;
        return message(r, more, since, 1);
    }

    private String message(Report r, long more, long since, int repeat) {
        StringBuilder b = new StringBuilder(256);
        b.append("blocking call on loop ").append(r.thread()).append(": ").append(r.call()).append(" took ")
                .append(Durations.format(r.elapsedNanos()));
        if (more > 0) {
            b.append(" (").append(more).append(" more from here");
            if (repeat > 0) {
                b.append(" in the last ").append(Durations.format(since));
            }
            b.append(')');
        }
        b.append("\n    task:    ").append(r.task());
        b.append("\n    culprit: ").append(r.culpritFrame());
        stackLines.accept(b, r.stack());
        return b.toString();
    }
}
