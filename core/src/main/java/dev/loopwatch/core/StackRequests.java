package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;

import java.util.Arrays;

/**
 * The loop stacks one watchdog scan asks for, each with what was read of its loop before the stack: gathered while the
 * scan looks at every loop, then taken together ({@link LoopStacks}) for {@link StallReports}. Watchdog thread only;
 * the requests are reused from scan to scan and let go of what they hold once used.
 */
final class StackRequests {
    /** One loop's stack, asked for by a stall's first report or by a sample of a stall that goes on. */
    static final class Request {
        LoopSlot slot;
        Watch watch;
        /** The task the stack is for: a stack taken after its seq moved on is not the task's. */
        long seq;
        long now;
        /** A stall's first report (else a sample of a stall that goes on), and its threshold. */
        boolean first;
        long thresholdNanos;
        /** Read before the stack was taken (a first report's only). */
        Object handler;
        Object context;
        Thread.State state;
        /** Where the action stopped the task before the stack was asked for: then none is taken. */
        StackTraceElement[] stoppedAt;
        /** The stack taken, once {@link #takeStacks} ran; null when none was taken. */
        StackTraceElement[] stack;
    }

    private Request[] requests = new Request[0];
    private Thread[] threads = new Thread[0];
    private StackTraceElement[][] stacks = new StackTraceElement[0][];
    private int size;

    /** Asks for loop {@code slot}'s stack; the caller fills in what it read before it. */
    Request add(LoopSlot slot, Watch watch, long seq, long now, boolean first) {
        if (size == requests.length) {
            int length = Math.max(8, size * 2);
            requests = Arrays.copyOf(requests, length);
            threads = new Thread[length];
            stacks = new StackTraceElement[length][];
        }
        Request r = requests[size];
        if (r == null) {
            r = requests[size] = new Request();
        }
        size++;
        r.slot = slot;
        r.watch = watch;
        r.seq = seq;
        r.now = now;
        r.first = first;
        return r;
    }

    int size() {
        return size;
    }

    Request get(int i) {
        return requests[i];
    }

    /** Takes every stack asked for, in one go (see {@link LoopStacks}); none where the action stopped the task. */
    void takeStacks(LoopStacks with) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (requests[i].stoppedAt == null) {
                threads[n++] = requests[i].slot.thread();
            }
        }
        if (n > 0) {
            with.take(threads, stacks, n);
        }
        n = 0;
        for (int i = 0; i < size; i++) {
            if (requests[i].stoppedAt == null) {
                requests[i].stack = stacks[n++];
            }
        }
    }

    /** Forgets every request (and the loops, handlers and stacks they hold). */
    void clear() {
        for (int i = 0; i < size; i++) {
            Request r = requests[i];
            r.slot = null;
            r.watch = null;
            r.handler = null;
            r.context = null;
            r.state = null;
            r.stoppedAt = null;
            r.stack = null;
        }
        Arrays.fill(threads, 0, size, null);
        Arrays.fill(stacks, 0, size, null);
        size = 0;
    }
}
