package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One watched loop thread's task counter: even while the loop waits, odd while a task runs.
 *
 * <p>Only the loop thread writes {@code seq} (an opaque store: as cheap as a plain one, but never
 * hoisted or merged away by the JIT); the watchdog reads it with an opaque load and does all timing.
 * The padding classes keep {@code seq} on a cache line of its own so that two loops' slots never
 * ping-pong one line between cores.
 */
public final class LoopSlot extends LoopSlotFields {
    private static final VarHandle SEQ;
    private static final VarHandle HANDLER;
    private static final VarHandle ABORT;
    private static final VarHandle INTERRUPT;
    private static final VarHandle ABORTED;
    private static final VarHandle STAMP_STARTS;
    private static final VarHandle STAMPED_SEQ;
    private static final VarHandle YIELD;

    /** The kind of an I/O event loop (Netty, and so Vert.x, Reactor Netty, gRPC). */
    public static final String LOOP = "loop";
    /** The kind of a non-blocking scheduler thread (Reactor's {@code parallel-*} and {@code single-*}). */
    public static final String SCHEDULER = "scheduler";
    /** The kind of a Netty {@code DefaultEventExecutor} thread (watched only with {@code executors=on}). */
    public static final String EXECUTOR = "executor";

    /**
     * Whether {@code action=interrupt} is on in this JVM: only then do {@link #tryBegin()} and {@link #end()}
     * look at {@code interruptSeq}. Set once, by {@link Loops#enableInterrupts()} before any loop registers,
     * and never cleared (a flag set before could otherwise outlive its task).
     *
     * <p>Why a plain static: it costs one load from a line nobody writes (so it stays hot in every core's
     * cache) and a branch never taken under the other actions (C2 then compiles the taken side as an
     * uncommon trap), where the opaque load of {@code interruptSeq} it saves is also a compiler barrier (C2
     * wraps opaque accesses in CPU-order membars) and touches a second line of the slot. A
     * {@code static final} would fold away entirely, but is decided when the class initializes, which the
     * engine does not control in the bootstrap loader (nor in a test JVM that runs one engine after
     * another); a {@code MutableCallSite} would fold too, at the price of method-handle calls on every task
     * until C2 compiles them, and of deoptimizing every loop when it flips. Nothing needs it to be
     * volatile: it is written under the registration lock before any loop registers, and a loop thread
     * finds its slot only through {@code Loops.byId}, which a registration (under that lock) wrote after it
     * and the start of every task reads (volatile).
     */
    static boolean interrupts;

    /**
     * Whether {@code task.histogram=exact} is on in this JVM: every task's start and end read the clock, and its
     * length goes into the slot's {@link #durations}. Set once, by {@link Loops#enableTaskDurations()} before any loop
     * registers, and never cleared, as {@link #interrupts} is and for its reasons. It adds no test to the default
     * path: {@link #tryBegin()} only looks at it behind {@link #slowBegin}, and {@link #end()} behind
     * {@link #slowEnd}, flags those paths test anyway (measured with {@code TaskCostMain}: its {@code loop} mode
     * costs what it did before this flag). A subclass of the slot for the exact mode would have made the slot's
     * calls virtual (a type check per task where C2 now links them directly), and a {@code static final} is ruled
     * out for the reasons given for {@link #interrupts}.
     */
    static boolean taskDurations;

    /**
     * {@link #interrupts}, {@link #taskDurations}, or the watchdog sleeping long with the loops asked to stamp their
     * tasks' starts ({@link #stampStarts(boolean)}): the one flag {@link #tryBegin()} tests on its common path, a
     * plain static for the reasons above. The watchdog writes it only when it changes pace (an idle service going
     * busy or back), so the line stays shared in the loops' caches. A loop that reads a stale false once just does
     * not stamp that task: the watchdog then takes it to have started when first seen (a report late by at most
     * its sleep, never early).
     */
    static boolean slowBegin;

    /**
     * {@link #interrupts} or {@link #taskDurations}: the one flag {@link #end()} tests on its common path, a plain
     * static for the reasons above, written once.
     */
    static boolean slowEnd;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SEQ = lookup.findVarHandle(LoopSlotSeq.class, "seq", long.class);
            HANDLER = lookup.findVarHandle(LoopSlotFields.class, "handler", Object.class);
            ABORT = lookup.findVarHandle(LoopSlotFields.class, "abortSeq", long.class);
            INTERRUPT = lookup.findVarHandle(LoopSlotFields.class, "interruptSeq", long.class);
            ABORTED = lookup.findVarHandle(LoopSlotFields.class, "abortedSeq", long.class);
            STAMP_STARTS = lookup.findVarHandle(LoopSlotSeq.class, "stampStarts", boolean.class);
            STAMPED_SEQ = lookup.findVarHandle(LoopSlotSeq.class, "stampedSeq", long.class);
            YIELD = lookup.findVarHandle(LoopSlotFields.class, "yieldSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    LoopSlot(Thread thread, ClassLoader appLoader, String kind) {
        super(thread, appLoader, kind, taskDurations ? new DurationHistogram() : null);
        blocking.owner = this;
    }

    /** Marks a task as started, unless one already runs (a nested dispatch): then returns false. */
    boolean tryBegin() {
        long s = seq;
        if ((s & 1L) != 0) {
            if (s != adoptedSeq) {
                return false;
            }
            s = closeAdopted(s); // the task the loop was in when it was adopted is over: this one is the next
            if ((s & 1L) != 0) {
                return false;
            }
        }
        if (slowBegin) {
            beginSlowly(s + 1);
        }
        SEQ.setOpaque(this, s + 1);
        return true;
    }

    /** The rest of {@link #tryBegin()} when {@link #slowBegin} is up. */
    private void beginSlowly(long taskSeq) {
        if (interrupts && (long) INTERRUPT.getOpaque(this) != 0L) {
            clearInterrupt(); // an interrupt of an earlier task raced with its end: never let it reach this one
        }
        if (taskDurations) {
            startedAt = System.nanoTime();
        }
        if (stampStarts) {
            stamp(taskSeq);
        }
    }

    /**
     * Records when task {@code taskSeq} starts, while the watchdog sleeps long (every loop was idle), and wakes it:
     * it learns the start from here, and looks at the loop at its usual tick from now on (a wait for a monitor in the
     * task's first milliseconds is seen too). One wake-up per loop going busy after a quiet spell; a busy loop never
     * comes here. Both flags on the way here are plain loads,
     * {@link #slowBegin} and this slot's {@code stampStarts} (on the counter's own line), written by the watchdog
     * only when it changes pace; a stale read only makes the watchdog fall back to its own, later estimate.
     */
    private void stamp(long taskSeq) {
        stampedAt = System.nanoTime();
        STAMPED_SEQ.setRelease(this, taskSeq);
        Loops.wakeWatcher();
    }

    /**
     * When task {@code taskSeq} started (System.nanoTime), if the loop stamped it (watchdog only); else
     * {@code Long.MIN_VALUE}.
     */
    public long stampedStart(long taskSeq) {
        return (long) STAMPED_SEQ.getAcquire(this) == taskSeq ? stampedAt : Long.MIN_VALUE;
    }

    /** Asks the loop to stamp the start of its tasks, or no longer to (watchdog only). */
    public void stampStarts(boolean on) {
        STAMP_STARTS.setVolatile(this, on);
    }

    /** Whether any loop is asked to stamp its tasks' starts (watchdog only; see {@link #slowBegin}). */
    public static void stamping(boolean on) {
        slowBegin = interrupts || taskDurations || on;
    }

    /**
     * Marks the task begun by a successful {@link #tryBegin()} as ended. Called on the loop thread only.
     * Under action=interrupt the common path is one more opaque load (under the other actions and
     * {@code task.histogram=sampled}, the test of {@link #slowEnd} only): only when the watchdog interrupted this
     * thread during the task is its interrupt flag cleared, so that it never reaches the next task (a pending
     * flag closes the next {@code FileChannel} the thread uses).
     */
    public void end() {
        SEQ.setOpaque(this, seq + 1);
        if (slowEnd) {
            endSlowly();
        }
    }

    /** The rest of {@link #end()} when {@link #slowEnd} is up. */
    private void endSlowly() {
        if (taskDurations) {
            recordDuration();
        }
        if (interrupts && (long) INTERRUPT.getOpaque(this) != 0L) {
            clearInterrupt();
        }
    }

    /**
     * {@code task.histogram=exact}: the task's length into this loop's histogram. A task begun before the option was
     * on has no start ({@code startedAt} 0), and a slot made before it has no histogram: neither is recorded.
     */
    private void recordDuration() {
        long start = startedAt;
        DurationHistogram h = durations;
        if (start != 0 && h != null) {
            h.record(System.nanoTime() - start);
            startedAt = 0;
        }
    }

    /**
     * Every task this loop ran, by length, with {@code task.histogram=exact}; null otherwise. Written by the loop
     * thread only; read and merged by anyone (see {@link DurationHistogram}).
     */
    public DurationHistogram durations() {
        return durations;
    }

    /**
     * Clears the interrupt flag that loopwatch set. A positive value means the watchdog claimed the task and
     * may be inside {@code Thread.interrupt()} right now: wait (microseconds, bounded) until it says whether
     * it interrupted (negative) or not (zero). A flag the application set itself during a task loopwatch did
     * not interrupt is never cleared.
     */
    private void clearInterrupt() {
        long deadline = System.nanoTime() + 10_000_000L;
        long v;
        while ((v = (long) INTERRUPT.getVolatile(this)) > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (v < 0) {
            Thread.interrupted();
            INTERRUPT.compareAndSet(this, v, 0L);
        }
    }

    // ---- action=interrupt: the watchdog's side ----

    /**
     * Claims task {@code taskSeq} for an interrupt (watchdog only). Returns false when the task already
     * ended; after true, the caller interrupts or not and then calls {@link #interruptDone(long, boolean)}.
     */
    public boolean claimInterrupt(long taskSeq) {
        INTERRUPT.setVolatile(this, taskSeq);
        if ((long) SEQ.getVolatile(this) != taskSeq) {
            INTERRUPT.compareAndSet(this, taskSeq, 0L);
            return false;
        }
        return true;
    }

    /** Ends a claim: {@code interrupted} tells the loop thread to clear its flag when the task ends. */
    public void interruptDone(long taskSeq, boolean interrupted) {
        INTERRUPT.compareAndSet(this, taskSeq, interrupted ? -taskSeq : 0L);
    }

    // ---- action=abort ----

    /**
     * Asks task {@code taskSeq} to stop at its next injected check (watchdog only). The check throws once
     * and consumes the request; the watchdog asks again if the task still runs later (its catch or finally
     * blocks get to run first).
     */
    public void requestAbort(long taskSeq, long startNanos, long thresholdNanos) {
        abortStart = startNanos;
        abortThreshold = thresholdNanos;
        ABORT.setRelease(this, taskSeq);
    }

    /**
     * Where task {@code taskSeq} was stopped (the exception's stack, top frame first), or null when no check
     * threw into it. Watchdog only; the stack is handed over once (the slot forgets it, so it pins no class).
     */
    public StackTraceElement[] takeAbortedStack(long taskSeq) {
        if ((long) ABORTED.getAcquire(this) != taskSeq) {
            return null;
        }
        StackTraceElement[] stack = abortedStack;
        abortedStack = null;
        return stack;
    }

    /** Whether a check has thrown into task {@code taskSeq} (watchdog only). */
    public boolean threwInto(long taskSeq) {
        return (long) ABORTED.getAcquire(this) == taskSeq;
    }

    /** Withdraws a request that was not taken up (watchdog only; the task ended). */
    public void cancelAbort(long taskSeq) {
        ABORT.compareAndSet(this, taskSeq, 0L);
    }

    /**
     * The slow path of an injected check, on the loop thread: throws when an abort was requested for the
     * task running now, never for another one. Never throws from inside a class initializer (that would
     * break the class for good): the request is consumed, and the watchdog asks again later.
     */
    void abortIfRequested() {
        long s = seq; // written by this thread only
        if ((s & 1L) == 0 || (long) ABORT.getAcquire(this) != s || !ABORT.compareAndSet(this, s, 0L)) {
            return;
        }
        dev.loopwatch.TaskTimeoutException e =
                new dev.loopwatch.TaskTimeoutException(thread.getName(), System.nanoTime() - abortStart, abortThreshold);
        StackTraceElement[] stack = e.getStackTrace();
        for (StackTraceElement frame : stack) {
            if (frame.getMethodName().equals("<clinit>")) {
                return;
            }
        }
        abortedStack = stack; // where the task was stopped: the watchdog's report may use it
        ABORTED.setRelease(this, s);
        throw e;
    }

    // ---- action=slice ----

    /** Asks task {@code taskSeq} to yield at its next injected check (watchdog only; see {@link Slices}). */
    public void requestYield(long taskSeq) {
        YIELD.setRelease(this, taskSeq);
    }

    /** The odd seq of the task asked to yield and not yet at a check, or 0 (watchdog only). */
    public long yieldRequested() {
        return (long) YIELD.getAcquire(this);
    }

    /** Withdraws a request that was not taken up (watchdog only; the task ended). */
    public void cancelYield(long taskSeq) {
        YIELD.compareAndSet(this, taskSeq, 0L);
    }

    /** Takes up the request for task {@code taskSeq}, if there is one (loop thread, at a check). */
    boolean takeYield(long taskSeq) {
        return (long) YIELD.getAcquire(this) == taskSeq && YIELD.compareAndSet(this, taskSeq, 0L);
    }

    /**
     * Whether task {@code taskSeq} is worth asking to yield (watchdog only): it runs as a slice that may still be
     * suspended, or it does not run as one and no check of it said so yet (that is reported once per task).
     */
    public boolean mayYield(long taskSeq) {
        SliceUnit unit = sliceUnit;
        return unit != null ? !unit.toTheEnd : unslicedSeq != taskSeq;
    }

    // ---- a loop adopted while inside a task (the agent attached late) ----

    /**
     * Marks the loop as inside a task whose start no advice saw: its frame began before the agent arrived, so no
     * advice will end it either. Called once, before the slot is published. The task ends when the loop begins
     * its next one ({@link #tryBegin()}), or when the watchdog finds it gone from the loop's stack
     * ({@link #closeAdopted(long)}), whichever comes first.
     */
    void adoptBusy() {
        SEQ.setVolatile(this, 1L);
        adoptedSeq = 1L;
    }

    /** The odd seq of the task the loop was adopted in, or 0. */
    public long adoptedSeq() {
        return adoptedSeq;
    }

    /**
     * Ends task {@code taskSeq}, the one the loop was adopted in, unless it ended already; returns the counter
     * after. Called by the loop thread or by the watchdog; a compare-and-set, so that only one of them ends it.
     */
    public long closeAdopted(long taskSeq) {
        SEQ.compareAndSet(this, taskSeq, taskSeq + 1);
        return (long) SEQ.getVolatile(this);
    }

    /** The counter as the watchdog sees it: odd while a task runs. */
    public long seq() {
        return (long) SEQ.getOpaque(this);
    }

    /**
     * The framework object the running task is dispatching to (a Vert.x routing context, event-bus
     * consumer...), or null. Written by the loop thread only, at framework dispatch points (never per
     * Netty task), with an opaque store; the watchdog reads it only when it reports a stall and turns
     * it into text there.
     */
    public Object handler() {
        return HANDLER.getOpaque(this);
    }

    /** Sets the handler and returns the one it replaces (restored when the dispatch returns). */
    Object swapHandler(Object handler) {
        Object previous = this.handler;
        HANDLER.setOpaque(this, handler);
        return previous;
    }

    /** What kind of thread this is: {@link #LOOP}, {@link #SCHEDULER} or {@link #EXECUTOR}. */
    public String kind() {
        return kind;
    }

    /** The loop thread this slot belongs to. */
    public Thread thread() {
        return thread;
    }

    /** When the loop registered (System.nanoTime): its counter was 0 then, unless it was adopted busy. */
    public long registeredAt() {
        return registeredAt;
    }

    /**
     * The loop as an executor (Netty's {@code EventLoop}, given by the advice on its {@code run()}), where the loop-lag
     * probe is queued; null for a loop found already running (adopted) and for threads that are not I/O loops.
     */
    public java.util.concurrent.Executor executor() {
        return executor;
    }

    void executor(java.util.concurrent.Executor executor) {
        this.executor = executor;
    }

    /** The class loader of the loop's class, where the application's libraries (SLF4J) live; may be null. */
    public ClassLoader appLoader() {
        return appLoader.get();
    }
}

/** Cache-line padding before the counter. */
abstract class LoopSlotLeftPad {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The counter itself (HotSpot lays out superclass fields first, so it sits between the pads). */
abstract class LoopSlotSeq extends LoopSlotLeftPad {
    long seq;
    /** Set by the watchdog while it sleeps long: the loop then stamps each task's start (below). */
    boolean stampStarts;
    /** The last stamped task's seq and start (System.nanoTime); written by the loop thread only. */
    long stampedSeq;
    long stampedAt;
    /**
     * {@code task.histogram=exact}: when the running task started (System.nanoTime), 0 when none; written by the loop
     * thread only, on the line it writes at every task anyway.
     */
    long startedAt;
}

/** Cache-line padding after the counter. */
abstract class LoopSlotRightPad extends LoopSlotSeq {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/**
 * Read-only fields, after the padding, the handler (written only at framework dispatch points) and the
 * action fields: written rarely (by the watchdog when a task overruns), read by the loop thread at each
 * task's start and end under action=interrupt only ({@code interruptSeq}) or only on the slow path of an
 * injected check ({@code abortSeq}), so they can share a line with the read-only ones.
 */
abstract class LoopSlotFields extends LoopSlotRightPad {
    /** The odd seq of the task asked to abort, or 0. */
    long abortSeq;
    /** The task's start (System.nanoTime) and the threshold, for the exception's message. */
    long abortStart;
    long abortThreshold;
    /** The seq of the task a check last threw into, and where (written by the loop thread, before it throws). */
    long abortedSeq;
    StackTraceElement[] abortedStack;
    /** Positive: the watchdog is interrupting task seq; negative: it interrupted task -seq; 0: none. */
    long interruptSeq;
    /** action=slice: the odd seq of the task asked to yield, or 0. */
    long yieldSeq;
    /**
     * action=slice, written by the loop thread only: the unit running as a slice now (the watchdog reads it, plainly:
     * a stale value only delays or wastes one request), the suspended units in the order they resume, the scheduled
     * task that resumes them, the loop's executor, and the locks ({@code AbstractOwnableSynchronizer}s) it owns.
     */
    SliceUnit sliceUnit;
    java.util.ArrayDeque<SliceUnit> suspended;
    Object resumer;
    java.util.concurrent.ScheduledExecutorService sliceExecutor;
    int ownedLocks;
    /** Slices that ended in a yield on this loop (see {@code Slices.Resume}). */
    long yields;
    /** The last task that was asked to yield and did not run as a slice (it was reported). */
    long unslicedSeq;
    /** The odd seq of the task the loop was inside when it was adopted ({@link LoopSlot#adoptBusy()}), or 0. */
    volatile long adoptedSeq;
    final Thread thread;
    final long threadId;
    final long registeredAt = System.nanoTime();
    final java.lang.ref.WeakReference<ClassLoader> appLoader;
    final String kind;
    /** See {@link LoopSlot#handler()}; not on the counter's cache line, as it is written rarely. */
    Object handler;
    /** See {@link LoopSlot#executor()}: set once, as the loop registers. */
    volatile java.util.concurrent.Executor executor;
    /** The loop's blocking calls; preallocated so that recording never allocates on the loop. */
    final BlockingRing blocking = new BlockingRing();
    /** See {@link LoopSlot#durations()}: final, so the loop thread never sees it half made. */
    final DurationHistogram durations;

    @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
    LoopSlotFields(Thread thread, ClassLoader appLoader, String kind, DurationHistogram durations) {
        this.thread = thread;
        this.kind = kind;
        this.durations = durations;
        this.threadId = thread.getId();
        this.appLoader = new java.lang.ref.WeakReference<>(appLoader);
    }
}
