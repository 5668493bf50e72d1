package dev.loopwatch.core.report;

import dev.loopwatch.core.config.Durations;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the log readable when one place stalls over and over: the first stall of a task and culprit is logged in
 * full (its report, its actions, its end); later ones from the same place within {@link #INTERVAL_NANOS} are only
 * counted, and the next one logged after that says how many it stands for and the longest of them. The JSON lines
 * and the status keep every stall: only the log is thinned. Memory is bounded whatever the rate. Reporter thread only.
 */
final class StallLogLimiter {
    static final long INTERVAL_NANOS = 10_000_000_000L;
    /** Places remembered at most; beyond, the memory starts afresh (a line too many, never a stall lost). */
    static final int MAX_PLACES = 10_000;

    private final Map<String, Place> places = new HashMap<>();
    /** Stalls held back, whose actions and end are held back too. */
    private final Set<Long> heldBack = new HashSet<>();

    private static final class Place {
        long loggedAt;
        long unlogged;
        long longest;
    }

    /**
     * Whether to log {@code r}: null to hold it back; else the note its first line ends with ("" for none). Stall
     * ends and action reports follow their stall.
     */
    String admit(Report r, long now) {
        if (r.type() != ReportType.STALL) {
            if (r.type() == ReportType.STALL_END && heldBack.remove(r.id())) {
                Place place = places.get(key(r));
                if (place != null) {
                    place.longest = Math.max(place.longest, r.elapsedNanos());
                }
                return null;
            }
            return heldBack.contains(r.id()) ? null : "";
        }
        String key = key(r);
        Place place = places.get(key);
        if (place == null) {
            if (places.size() >= MAX_PLACES) {
                places.clear();
                heldBack.clear();
            }
            place = new Place();
            place.loggedAt = now;
            places.put(key, place);
            return "";
        }
        if (now - place.loggedAt < INTERVAL_NANOS) {
            place.unlogged++;
            place.longest = Math.max(place.longest, r.elapsedNanos());
            heldBack.add(r.id());
            return null;
        }
        String note = place.unlogged == 0 ? "" : " [" + place.unlogged + " more stall" + (place.unlogged == 1 ? "" : "s")
                + " of this task and culprit in the last " + Durations.format(now - place.loggedAt) + ", longest "
                + Durations.format(place.longest) + "; all in the JSON lines]";
        place.loggedAt = now;
        place.unlogged = 0;
        place.longest = 0;
        return note;
    }

    private static String key(Report r) {
        return r.thread() + " " + r.task() + " @ " + r.culpritFrame();
    }
}
