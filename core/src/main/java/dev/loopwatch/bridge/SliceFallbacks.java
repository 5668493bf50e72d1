package dev.loopwatch.bridge;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The slice decisions that fell back ({@code action=slice} ran a task on instead of suspending it): counted by reason,
 * and the first one of each reason and culprit kept for one report. Counted on loop threads, read by the engine.
 */
final class SliceFallbacks {
    /** Decisions that fell back, by reason. */
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();
    /** Reason and culprit of each decision that fell back, the first time that pair was seen: for one report each. */
    private static final Map<String, Boolean> SEEN = new ConcurrentHashMap<>();
    private static final int MAX_SEEN = 10_000;
    private static final ConcurrentLinkedQueue<Object[]> FIRST = new ConcurrentLinkedQueue<>();
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame> FIRST_OUTSIDE_BRIDGE =
            frames -> frames.filter(f -> !f.getClassName().startsWith("dev.loopwatch.bridge.")).findFirst().orElse(null);

    private SliceFallbacks() {
    }

    /** A decision on loop {@code slot} fell back for {@code reason}; called on the loop thread, in the check. */
    static void count(String reason, LoopSlot slot) {
        AtomicLong count = COUNTS.get(reason);
        if (count == null) {
            count = COUNTS.computeIfAbsent(reason, r -> new AtomicLong());
        }
        count.incrementAndGet();
        // The frame that called the check, cheaply (the decision may come back every slice); the whole stack only
        // for a reason and culprit not seen before.
        StackWalker.StackFrame caller = WALKER.walk(FIRST_OUTSIDE_BRIDGE);
        String culprit = caller == null ? "unknown" : caller.getClassName() + "." + caller.getMethodName() + ":"
                + caller.getLineNumber();
        if (SEEN.size() < MAX_SEEN && SEEN.putIfAbsent(reason + " " + culprit, Boolean.TRUE) == null) {
            StackTraceElement[] stack = new Throwable().getStackTrace();
            int first = 0;
            while (first < stack.length && stack[first].getClassName().startsWith("dev.loopwatch.bridge.")) {
                first++;
            }
            FIRST.add(new Object[] {reason, slot.thread.getName(), Arrays.copyOfRange(stack, first, stack.length)});
        }
    }

    /** Decisions that fell back so far, by reason. */
    static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The next first fallback of a reason and culprit: {reason, thread name, stack}; null when none waits. */
    static Object[] next() {
        return FIRST.poll();
    }
}
