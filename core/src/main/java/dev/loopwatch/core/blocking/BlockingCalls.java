package dev.loopwatch.core.blocking;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The names of the blocking calls the agent instruments, by the int id that advice records (its table
 * is the agent's {@code JdkBlockingTable}); and what was seen, for {@link dev.loopwatch.core.Status}.
 */
public final class BlockingCalls {
    private static volatile String[] names = new String[0];
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicLong REPORTED = new AtomicLong();
    static final AtomicLong ALLOWED = new AtomicLong();

    private BlockingCalls() {
    }

    /** Called by the agent once its table is built: index = call id. */
    public static void names(String[] byId) {
        names = byId.clone();
    }

    /** The call's name, e.g. {@code java.lang.Thread.sleep}. */
    public static String name(int id) {
        String[] n = names;
        return id >= 0 && id < n.length ? n[id] : "call #" + id;
    }

    /** Blocking calls seen on loops since start (every one, reported or credited to a report). */
    public static long seen() {
        return SEEN.get();
    }

    /** Blocking calls skipped because their stack runs through an allow-listed method. */
    public static long allowed() {
        return ALLOWED.get();
    }
}
