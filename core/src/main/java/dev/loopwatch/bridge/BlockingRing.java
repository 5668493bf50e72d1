package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One loop thread's record of the blocking calls it made: a preallocated single-producer ring (the loop
 * thread writes, the engine's drain thread reads), and exact per-call counters.
 *
 * <p>Recording a call does not allocate: the call is an int index into the agent's table of call names,
 * its start and end are two {@code nanoTime}s. The loop's stack is taken only within a budget per call
 * (a burst of {@link #STACK_BURST}, then one per {@link #STACK_INTERVAL_NANOS}: a generic cell-rate
 * limiter), so in steady state the loop thread allocates nothing; the calls in between are counted and
 * credited to the next report of the same call. Everything else (names, culprits, logs) happens on the
 * drain thread.
 */
public final class BlockingRing {
    /** Most call kinds the agent's table may define. */
    public static final int MAX_CALLS = 64;
    static final int SIZE = 512;
    static final int MASK = SIZE - 1;
    static final int STACK_BURST = 8;
    static final long STACK_INTERVAL_NANOS = 100_000_000L;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(BlockingRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(BlockingRing.class, "tail", long.class);
            COUNT = MethodHandles.arrayElementVarHandle(long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int[] calls = new int[SIZE];
    private final long[] starts = new long[SIZE];
    private final long[] ends = new long[SIZE];
    private final Throwable[] stacks = new Throwable[SIZE];
    /** The framework handler the loop was dispatching to (see {@link LoopSlot#handler()}), beside each stack. */
    private final Object[] handlers = new Object[SIZE];
    /** The loop this ring belongs to; null for a ring made on its own (tests). */
    LoopSlot owner;
    private final long[] counts = new long[MAX_CALLS];
    /** Of {@link #counts}, the calls the ring had no room for, by call: the drain counts them without their details. */
    private final long[] overflows = new long[MAX_CALLS];
    private final long[] stackTat = new long[MAX_CALLS];
    /** Written by the loop thread (release), read by the drain (acquire). */
    private long head;
    /** Written by the drain (release), read by the loop thread (acquire). */
    private long tail;
    /** Loop thread only: a recorded call is in progress (nested instrumented calls are not recorded). */
    private boolean active;
    /** Loop thread only: the call in progress was begun by a channel's begin method, its end method ends it. */
    boolean held;
    /** Loop thread only: depth of allow-listed methods on the stack. */
    private int allowDepth;
    private long activeStart;
    private long overflow;
    private volatile boolean canary;

    BlockingRing() {
        long now = System.nanoTime();
        for (int i = 0; i < MAX_CALLS; i++) {
            stackTat[i] = now - STACK_INTERVAL_NANOS;
        }
    }

    /** Starts recording a call unless one is in progress or an allow-listed method runs: then null. */
    BlockingRing begin() {
        if (active || allowDepth != 0) {
            return null;
        }
        active = true;
        activeStart = System.nanoTime();
        return this;
    }

    /** Ends the call begun by {@link #begin()} and records it. Called by advice on the loop thread. */
    public void end(int call) {
        long end = System.nanoTime();
        active = false;
        if (call < 0 || call >= MAX_CALLS) {
            return;
        }
        COUNT.setOpaque(counts, call, counts[call] + 1);
        long h = head;
        if (h - (long) TAIL.getAcquire(this) >= SIZE) {
            overflow++; // still counted above: the counts stay exact when the drain falls behind
            COUNT.setOpaque(overflows, call, overflows[call] + 1);
            return;
        }
        int i = (int) h & MASK;
        calls[i] = call;
        starts[i] = activeStart;
        ends[i] = end;
        long tat = stackTat[call];
        if (tat - end <= (STACK_BURST - 1) * STACK_INTERVAL_NANOS) {
            stackTat[call] = Math.max(tat, end) + STACK_INTERVAL_NANOS;
            stacks[i] = new Throwable("blocking call");
            handlers[i] = owner == null ? null : owner.handler(); // a reference: named on the drain thread
        }
        HEAD.setRelease(this, h + 1);
    }

    BlockingRing allowEnter() {
        allowDepth++;
        return this;
    }

    /** Leaves an allow-listed method entered through {@link Blocking#allowEnter()}. */
    public void allowExit() {
        if (allowDepth > 0) {
            allowDepth--;
        }
    }

    /** What the drain gets for each recorded call, oldest first. */
    public interface Consumer {
        /**
         * @param call  the call's index in the agent's table
         * @param start {@code System.nanoTime()} when it started
         * @param end   when it returned or threw
         * @param stack the loop's stack at the end (innermost frames are loopwatch's), or null when over budget
         * @param handler the framework handler the loop was dispatching to when the stack was taken, or null
         */
        void accept(int call, long start, long end, Throwable stack, Object handler);
    }

    /** Hands every call recorded since the last drain to {@code consumer}. Drain thread only. */
    public int drain(Consumer consumer) {
        long h = (long) HEAD.getAcquire(this);
        long t = tail;
        int n = 0;
        for (; t < h; t++, n++) {
            int i = (int) t & MASK;
            Throwable stack = stacks[i];
            Object handler = handlers[i];
            stacks[i] = null;
            handlers[i] = null;
            consumer.accept(calls[i], starts[i], ends[i], stack, handler);
        }
        TAIL.setRelease(this, t);
        return n;
    }

    /** Calls of {@code call} recorded so far (exact, including any the ring had no room for). */
    public long count(int call) {
        return (long) COUNT.getOpaque(counts, call);
    }

    /** Calls of every kind recorded so far. */
    public long total() {
        long sum = 0;
        for (int i = 0; i < MAX_CALLS; i++) {
            sum += count(i);
        }
        return sum;
    }

    /** Calls counted but not put in the ring because the drain fell behind. */
    public long overflow() {
        return overflow;
    }

    /** Of {@link #overflow()}, the calls of {@code call}. Read by the drain, which counts them too. */
    public long overflow(int call) {
        return (long) COUNT.getOpaque(overflows, call);
    }

    /** A canary ring belongs to loopwatch's start-up self-check: drained, never reported. */
    public boolean isCanary() {
        return canary;
    }

    public void markCanary() {
        canary = true;
    }
}
