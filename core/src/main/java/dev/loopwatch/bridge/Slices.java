package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ThreadMXBean;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code action=slice} (experimental, JDK 21+): a loop's task runs as a {@code jdk.internal.vm.Continuation}; when it
 * has run a slice, the check injected into application code ({@link Abort#check()}) suspends it, the loop goes on
 * with its other work, and the rest of the task is resumed later on the same loop thread.
 *
 * <p>Where the advice calls in: {@link #task} around each queued task ({@code AbstractEventExecutor.runTask}),
 * {@link #io} at each NIO channel dispatch, {@link #localWrite} in {@code ThreadLocal.set/remove} and Netty's
 * {@code FastThreadLocal.set/remove}, {@link #ownerChange} in {@code AbstractOwnableSynchronizer.setExclusiveOwnerThread}.
 * Every one of them returns at once while slicing is off.
 *
 * <p>A task is suspended only where that is safe for the rest of the loop (the hazards, each answered here):
 * <ul>
 *   <li>no monitor held by the thread (an interleaved task entering it would block the loop for ever), checked once
 *       per slice decision ({@link ThreadMXBean}, a short pause of the loop thread);</li>
 *   <li>no lock owned by the thread ({@code ReentrantLock}, a write lock: an interleaved {@code tryLock()} would
 *       succeed), counted as owners change;</li>
 *   <li>no {@code ThreadLocal} or {@code FastThreadLocal} (so no logging MDC) written by the task since it started
 *       (an interleaved task would see its values);</li>
 *   <li>a channel's I/O dispatch, once suspended, holds the channel's later events back until it ends (no
 *       reordering): its key's interest is taken off ({@link SliceUnit#holdChannel()}).</li>
 * </ul>
 * Otherwise, and where the JVM pins the continuation (a native frame, a class initializer), the task runs on as
 * without slicing and is reported like any task; each such decision is counted and its culprit reported once.
 *
 * <p>Resumption: the loop's suspended units wait in a queue of the slot; one task scheduled on the loop with no
 * delay resumes the first of them for one slice, then schedules itself again. A task scheduled on a Netty loop runs
 * only after the loop's next round of I/O, so every round serves its channels and at most one resumed slice.
 *
 * <p>Any failure of this machinery turns slicing off for good (said once by the engine); suspended work is then
 * run to its end as it is resumed.
 */
public final class Slices {
    /** Whether slicing is on. A plain static: read on every task; written once on, and off only on a failure. */
    static boolean enabled;
    /** Yields done (counted on loop threads, read by the engine). */
    private static final AtomicLong slices = new AtomicLong();
    private static volatile Throwable failure;
    private static final ClassValue<MethodHandle> DISPATCH = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findVirtual(type, "handle", MethodType.methodType(void.class, int.class))
                        .asType(MethodType.methodType(void.class, Object.class, int.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    /** Reasons a slice decision fell back. */
    public static final String PINNED = "pinned";
    public static final String MONITOR = "monitor";
    public static final String LOCK = "lock";
    public static final String THREAD_LOCAL = "thread-local";
    public static final String ORDERING = "ordering";
    public static final String LOOP = "loop";

    private Slices() {
    }

    /**
     * Turns slicing on (the engine, once, when {@code action=slice} on JDK 21+ and {@code jdk.internal.vm} was
     * exported to the bridge). Returns null, or why it cannot be on.
     */
    public static synchronized Throwable enable() {
        try {
            Object probe = Continuations.create(new Runnable() {
                @Override
                public void run() {
                }
            });
            Continuations.run(probe);
            if (!Continuations.isDone(probe)) {
                return new IllegalStateException("a continuation did not run to its end");
            }
            SliceRefusals.prepare();
            enabled = true;
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Whether slicing is on now. */
    public static boolean enabled() {
        return enabled;
    }

    /** The failure that turned slicing off, or null. */
    public static Throwable failure() {
        return failure;
    }

    /** Yields done so far. */
    public static long slices() {
        return slices.get();
    }

    /** Decisions that fell back so far, by reason. */
    public static Map<String, Long> fallbacks() {
        return SliceFallbacks.counts();
    }

    /**
     * The next decision that fell back for a culprit not seen before: {reason (String), thread name (String), stack
     * (StackTraceElement[])}; null when none is waiting. For the engine's reports.
     */
    public static Object[] nextFirstFallback() {
        return SliceFallbacks.next();
    }

    // ---- advice entry points (never throw) ----

    /**
     * Advice at the start of Netty's {@code runTask(Runnable)}: the task to run instead, one that runs {@code task}
     * as a continuation; {@code task} itself where it is not to be sliced.
     */
    public static Runnable task(Runnable task) {
        if (!enabled || task == null) {
            return task;
        }
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        if (slot == null || slot.sliceUnit != null || slot.kind != LoopSlot.LOOP || task == slot.resumer) {
            return task;
        }
        return new Start(new SliceUnit(slot, task));
    }

    /**
     * Advice at the start of a NIO channel's dispatch ({@code NioIoHandler$DefaultNioRegistration.handle(int)}):
     * true when it was dispatched here (run as a continuation, or held back behind a suspended dispatch of the same
     * channel) and the method must return; false to let it run as it is (inside a slice, or slicing off).
     */
    public static boolean io(Object registration, int readyOps, SelectionKey key) {
        if (!enabled || registration == null) {
            return false;
        }
        try {
            LoopSlot slot = Loops.slotOf(Thread.currentThread());
            if (slot == null || slot.sliceUnit != null) {
                return false;
            }
            ArrayDeque<SliceUnit> suspended = slot.suspended;
            if (suspended != null && !suspended.isEmpty()) {
                for (SliceUnit u : suspended) {
                    if (u.registration == registration) {
                        u.holdChannel(); // its events wait for the suspended one
                        return true;
                    }
                }
            }
            MethodHandle dispatch = DISPATCH.get(registration.getClass());
            if (dispatch == null) {
                return false;
            }
            runSlice(new SliceUnit(slot, registration, readyOps, key, dispatch));
            return true;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    /** Advice in {@code ThreadLocal.set/remove} and {@code FastThreadLocal.set/remove}: the task is not suspended. */
    public static void localWrite() {
        if (!enabled) {
            return;
        }
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        if (slot != null) {
            SliceUnit unit = slot.sliceUnit;
            if (unit != null) {
                unit.threadLocals = true;
            }
        }
    }

    /**
     * Advice in {@code AbstractOwnableSynchronizer.setExclusiveOwnerThread(next)}, {@code previous} being the owner
     * until now: counts the locks a loop thread owns. Never throws (it runs inside the JDK's lock code).
     */
    public static void ownerChange(Thread previous, Thread next) {
        if (!enabled || previous == next) {
            return;
        }
        Thread current = Thread.currentThread();
        if (next != current && previous != current) {
            return;
        }
        LoopSlot slot = Loops.slotOf(current);
        if (slot == null) {
            return;
        }
        if (next == current) {
            slot.ownedLocks++;
        } else if (slot.ownedLocks > 0) {
            slot.ownedLocks--;
        }
    }

    // ---- the loop thread's side ----

    /** Runs {@code unit} until it yields or ends; a yielded one waits in the slot's queue. Loop thread only. */
    static void runSlice(SliceUnit unit) {
        LoopSlot slot = unit.slot;
        Object outer = slot.handler;
        if (unit.handler != null) {
            slot.swapHandler(unit.handler);
        }
        boolean done;
        // A new dispatch's first slice runs in the loop's I/O round: a resumption scheduled now would run right after
        // it, before the next round, so it waits for one.
        boolean inIoRound = unit.isIo() && unit.continuation == null;
        slot.sliceUnit = unit;
        try {
            if (unit.continuation == null) {
                unit.continuation = Continuations.create(unit);
            }
            Continuations.run(unit.continuation);
            done = Continuations.isDone(unit.continuation);
        } catch (Throwable t) {
            // The machinery failed, not the work (whose exceptions are caught in SliceUnit.run).
            slot.sliceUnit = null;
            fail(t);
            throw sneaky(t);
        }
        slot.sliceUnit = null;
        if (done) {
            if (unit.isIo()) {
                unit.releaseChannel();
            }
            if (unit.failure != null) {
                throw sneaky(unit.failure);
            }
            return;
        }
        unit.handler = slot.swapHandler(outer);
        slot.yields++;
        if (unit.isIo()) {
            unit.holdChannel();
        }
        if (slot.suspended == null) {
            slot.suspended = new ArrayDeque<>();
        }
        slot.suspended.add(unit);
        if (slot.resumer == null) {
            scheduleResume(slot, inIoRound, false);
        }
    }

    private static void scheduleResume(LoopSlot slot) {
        scheduleResume(slot, false, false);
    }

    private static void scheduleResume(LoopSlot slot, boolean aRoundFirst, boolean deferred) {
        try {
            slot.resumer = slot.sliceExecutor.schedule(new Resume(slot, slot.yields, aRoundFirst, deferred), 0,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down: what it suspended runs to its end now.
            slot.resumer = null;
            SliceUnit unit;
            while ((unit = slot.suspended.poll()) != null) {
                unit.toTheEnd = true;
                runSlice(unit);
            }
        }
    }

    /**
     * The slow path of an injected check when the watchdog asked task {@code seq} to yield: suspends it here, where
     * that is safe, and returns when it is resumed; otherwise records why not and returns at once.
     */
    static void yieldIfRequested(LoopSlot slot) {
        if (!enabled) {
            return;
        }
        long s = slot.seq; // written by this thread only
        if ((s & 1L) == 0 || !slot.takeYield(s)) {
            return;
        }
        Abort.taken();
        SliceUnit unit = slot.sliceUnit;
        if (unit == null) {
            // Not run as a slice: an I/O dispatch of a transport whose channel's later events loopwatch cannot hold
            // back (epoll, kqueue, io_uring), so suspending it could reorder them. Once per task.
            slot.unslicedSeq = s;
            fellBack(ORDERING, slot);
            return;
        }
        if (unit.toTheEnd) {
            return;
        }
        String refused = SliceRefusals.refusal(slot, unit);
        if (refused != null) {
            fellBack(refused, slot);
            return;
        }
        try {
            if (Continuations.yieldNow()) {
                slices.incrementAndGet();
            } else {
                fellBack(PINNED, slot);
            }
        } catch (IllegalStateException pinned) {
            String m = pinned.getMessage();
            fellBack(m != null && m.startsWith("Pinned: MONITOR") ? MONITOR : PINNED, slot);
        } catch (Throwable t) {
            fail(t);
        }
    }

    private static void fellBack(String reason, LoopSlot slot) {
        SliceFallbacks.count(reason, slot);
    }

    /** The machinery failed: slicing is off from now on; the engine says so once. */
    static void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        enabled = false;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** The task that replaces a queued task: runs it as a continuation. */
    private static final class Start implements Runnable {
        private final SliceUnit unit;

        Start(SliceUnit unit) {
            this.unit = unit;
        }

        @Override
        public void run() {
            runSlice(unit);
        }

        @Override
        public String toString() {
            return unit.toString();
        }
    }

    /**
     * Scheduled on the loop with no delay: resumes the first suspended unit for one slice. If another slice ran since
     * it was scheduled (a new request's first slice, in the loop's I/O round), or it was scheduled in an I/O round
     * (it would run right after it), it waits one more round, once: the loop's other work then waits for about one
     * slice at most between its I/O rounds, not two.
     */
    private static final class Resume implements Runnable {
        private final LoopSlot slot;
        private final long yieldsWhenScheduled;
        private final boolean aRoundFirst;
        private final boolean deferred;

        Resume(LoopSlot slot, long yieldsWhenScheduled, boolean aRoundFirst, boolean deferred) {
            this.slot = slot;
            this.yieldsWhenScheduled = yieldsWhenScheduled;
            this.aRoundFirst = aRoundFirst;
            this.deferred = deferred;
        }

        @Override
        public void run() {
            slot.resumer = null;
            if (!deferred && enabled && (aRoundFirst || slot.yields != yieldsWhenScheduled)) {
                scheduleResume(slot, false, true); // after the loop's next I/O round (see Slices: a scheduled task)
                return;
            }
            try {
                SliceUnit unit = slot.suspended.poll();
                if (unit != null) {
                    if (!enabled) {
                        unit.toTheEnd = true;
                    }
                    runSlice(unit); // may throw what the work threw: the loop reports it as for any task
                }
            } finally {
                if (slot.resumer == null && !slot.suspended.isEmpty()) {
                    scheduleResume(slot);
                }
            }
        }
    }
}
