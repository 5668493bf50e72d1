package dev.loopwatch.core;

/**
 * Takes the loop stacks that one watchdog scan needs (the first report of each new stall, a sample of each stall that
 * goes on). Up to JDK 18, {@code Thread.getStackTrace()} of another thread is a VM operation at a global safepoint
 * ({@code JVM_DumpThreads}: a {@code VM_ThreadDump} of that one thread), so every thread of the JVM is stopped once per
 * stack; from JDK 19 it is a handshake with that thread alone ({@code java_lang_Thread::async_get_stack_trace}, which
 * came with JEP 425, JDK-8284161). Measured in StormIT (64 loops stalling at once on 2 vCPUs): on JDK 17 a stack cost
 * the watchdog 150-470 µs taken alone, most of it waiting for its safepoint, and 40-100 µs in a batch (what is left is
 * the JVM's walk itself); on JDK 25, 14 µs a handshake and 30-60 µs in a batch. So two or more stacks are taken in one
 * VM operation ({@link ThreadInfoStacks}) where each walk is a safepoint, and one by one elsewhere. Watchdog thread
 * only, but {@link #makeBatch}.
 */
final class LoopStacks {
    private final boolean batch;
    /** The batched way, made off the watchdog on first need (java.management costs start-up); null until then. */
    private volatile ThreadInfoStacks batched;
    private boolean batchAsked;

    LoopStacks() {
        this(eachWalkIsASafepoint(Runtime.version().feature()));
    }

    /** {@code batch}: take two or more stacks in one VM operation (tests choose; see {@link #eachWalkIsASafepoint}). */
    LoopStacks(boolean batch) {
        this.batch = batch;
    }

    /** Whether {@code Thread.getStackTrace()} of another platform thread is a safepoint of its own on this JDK. */
    static boolean eachWalkIsASafepoint(int feature) {
        return feature < 19;
    }

    /**
     * The stacks of {@code threads[0..count)} into {@code stacks[0..count)}, each taken while the thread was at a
     * safepoint or handshake; an empty stack for a thread that ended.
     */
    void take(Thread[] threads, StackTraceElement[][] stacks, int count) {
        ThreadInfoStacks together = count >= 2 ? batched() : null;
        if (together != null) {
            try {
                together.take(threads, stacks, count);
                return;
            } catch (RuntimeException | LinkageError e) {
                batched = null;
                Diagnostics.disabled("batched stack samples (each stack is now taken on its own)", e);
            }
        }
        for (int i = 0; i < count; i++) {
            stacks[i] = threads[i].getStackTrace();
        }
    }

    /** The batched way when it is ready; the first call asks for it (so the scans before it is ready go one by one). */
    private ThreadInfoStacks batched() {
        if (!batch) {
            return null;
        }
        if (!batchAsked) {
            batchAsked = true;
            // Not a lambda: its call site would be linked (a class spun) on the watchdog, in the middle of a storm.
            Thread maker = new Thread(new Runnable() {
                @Override
                public void run() {
                    makeBatch();
                }
            }, "loopwatch-stacks");
            maker.setDaemon(true);
            maker.setContextClassLoader(null);
            maker.start();
        }
        return batched;
    }

    /**
     * Makes the batched way. On its own thread, as the first use of the management API loads and links its classes
     * (tens to hundreds of milliseconds, see {@link JvmCounters}) and the watchdog must go on ticking meanwhile.
     */
    void makeBatch() {
        if (ModuleLayer.boot().findModule("java.management").isEmpty()) {
            // A runtime made by jlink without it, or an application module that does not need it: not a fault.
            Diagnostics.once("stacks-one-by-one", "loopwatch: stacks one by one: this runtime has no java.management"
                    + " module, so on JDK " + Runtime.version().feature() + " each stalled loop's stack is a safepoint"
                    + " of its own; in a storm of stalls fewer are reported, the rest counted as unobserved");
            return;
        }
        try {
            batched = new ThreadInfoStacks();
        } catch (Throwable t) {
            Diagnostics.disabled("batched stack samples (each stack is now taken on its own)", t);
        }
    }

    /** Whether two or more stacks are taken in one VM operation now. */
    boolean batching() {
        return batched != null;
    }
}
