package dev.loopwatch.bridge;

/**
 * Entry points of the blocking-call instrumentation, called by advice inlined into JDK methods (and by
 * the call-site substitutes of methods that are native on the running JDK).
 *
 * <p>The fast path, on a thread that is no loop, is the thread-id array lookup of {@code Loops.slotOf}
 * and a null check: a few nanoseconds, no allocation, no lock. Nothing here ever throws into the JDK
 * method it is inlined in: the advice suppresses any {@code Throwable}, and nothing here can block.
 */
public final class Blocking {
    /** Call ids of the call-site substitutes, set by the agent from its table (-1: no substitute). */
    private static volatile int sleepCall = -1;
    private static volatile int waitCall = -1;

    private Blocking() {
    }

    /** The ring of the current loop thread if a blocking call starts being recorded, else null. */
    public static BlockingRing enter() {
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        return slot == null ? null : slot.blocking.begin();
    }

    /** Called by advice when a blocking JDK method begun by {@link #enter()} returns or throws: records it as {@code call}. */
    public static void exit(BlockingRing ring, int call) {
        if (ring != null) {
            ring.end(call);
        }
    }

    /** Called by advice at the entry of a JDK channel's {@code begin...(boolean blocking, ...)}. */
    public static void enterHeld(boolean blocking) {
        if (blocking) {
            enterHeld();
        }
    }

    /** Called by advice at the entry of a JDK channel's {@code end...(boolean blocking, boolean completed)}. */
    public static void exitHeld(boolean blocking, int call) {
        if (blocking) {
            exitHeld(call);
        }
    }

    /**
     * A channel operation in blocking mode begins: the JDK channels call a private {@code begin...(blocking)}
     * before the operation and {@code end...(blocking, completed)} in a {@code finally} after it, so advice on
     * the pair sees exactly the blocking-mode operations, and a non-blocking one (all of Netty's) costs one
     * test of a boolean argument. Ended by {@link #exitHeld(int)}.
     */
    public static void enterHeld() {
        BlockingRing ring = enter();
        if (ring != null) {
            ring.held = true;
        }
    }

    /** The channel operation begun by {@link #enterHeld()} ends: recorded as {@code call}. */
    public static void exitHeld(int call) {
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        if (slot != null && slot.blocking.held) {
            slot.blocking.held = false;
            slot.blocking.end(call);
        }
    }

    /**
     * As {@link #enter()}, for name lookups: a literal address ({@code 127.0.0.1}, {@code ::1}) is parsed, not
     * looked up, so it does not block. A host name is never only digits and dots (RFC 1123).
     */
    public static BlockingRing enterLookup(String host) {
        if (host == null || host.isEmpty() || isLiteral(host)) {
            return null;
        }
        return enter();
    }

    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6, bracketed or not
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** Entering an allow-listed method on a loop: blocking calls inside it are not recorded. */
    public static BlockingRing allowEnter() {
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        return slot == null ? null : slot.blocking.allowEnter();
    }

    /** Leaving an allow-listed method entered through {@link #allowEnter()}. */
    public static void allowExit(BlockingRing ring) {
        if (ring != null) {
            ring.allowExit();
        }
    }

    /** The ring of a watched loop thread, or null. For the drain and tests. */
    public static BlockingRing ringOf(LoopSlot slot) {
        return slot == null ? null : slot.blocking;
    }

    /** Whether the thread with this id is a watched loop now (for events reported after the fact). */
    public static boolean isLoop(long threadId) {
        LoopSlot[] slots = Loops.byId;
        return threadId >= 0 && threadId < slots.length && slots[(int) threadId] != null;
    }

    /** Sets the call ids that the call-site substitutes below record under. */
    public static void substitutes(int sleep, int wait) {
        sleepCall = sleep;
        waitCall = wait;
    }

    /**
     * Replaces {@code Thread.sleep(long)} at call sites where that method is native (JDK 17 to 18): a
     * native method's body cannot be given advice without a JVM flag.
     */
    public static void sleep(long millis) throws InterruptedException {
        BlockingRing ring = enter();
        try {
            Thread.sleep(millis);
        } finally {
            if (ring != null) {
                ring.end(sleepCall);
            }
        }
    }

    /**
     * Replaces {@code monitor.wait(long, int)} at call sites in non-JDK classes, on every JDK: advice would mean
     * retransforming {@code java.lang.Object} (see the agent's {@code JdkBlockingTable}). The other two waits
     * come here with {@code nanos} 0, which {@code Object.wait(long, int)} treats exactly as they do.
     */
    public static void waitOn(Object monitor, long millis, int nanos) throws InterruptedException {
        BlockingRing ring = enter();
        try {
            monitor.wait(millis, nanos);
        } finally {
            if (ring != null) {
                ring.end(waitCall);
            }
        }
    }

    /** Replaces {@code monitor.wait(long)}. */
    public static void waitOn(Object monitor, long millis) throws InterruptedException {
        waitOn(monitor, millis, 0);
    }

    /** Replaces {@code monitor.wait()}. */
    public static void waitOn(Object monitor) throws InterruptedException {
        waitOn(monitor, 0L, 0);
    }
}
