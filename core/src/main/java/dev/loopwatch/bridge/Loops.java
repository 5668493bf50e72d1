package dev.loopwatch.bridge;

import java.util.concurrent.locks.LockSupport;

/**
 * The registry of watched loop threads and the entry points that instrumented code calls.
 *
 * <p>This package is the bridge: it uses JDK types only, because the agent defines it in the bootstrap
 * class loader so that advice inlined into any class loader's Netty (and, later, into the JDK) can link
 * to it. Advice calls exactly one method here per event; everything else happens on the watchdog.
 *
 * <p>The hot path ({@link #beginTask()}, {@link LoopSlot#end()}) finds the current thread's slot in an
 * array indexed by thread id: no hashing, no allocation, no lock. Thread ids are never reused, so a
 * stale entry can never be mistaken for another thread's.
 */
public final class Loops {
    /** Largest thread id that gets a slot; beyond it a loop is not watched (and the engine says so). */
    static final int MAX_ID = 1 << 22;

    /** Package-private: {@link Blocking} reads it on its own fast path. */
    static volatile LoopSlot[] byId = new LoopSlot[64];
    private static volatile LoopSlot[] live = new LoopSlot[0];
    private static volatile Thread watcher;
    private static volatile long refused;

    private Loops() {
    }

    /**
     * Called by advice when a task (a queued Runnable, or a scheduled one) starts on any Netty executor.
     * Returns the slot to end, or null when the thread is not a watched loop or a task already runs.
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
    public static LoopSlot beginTask() {
        LoopSlot[] slots = byId;
        long id = Thread.currentThread().getId();
        if (id < slots.length) {
            LoopSlot slot = slots[(int) id];
            if (slot != null && slot.tryBegin()) {
                return slot;
            }
        }
        return null;
    }

    /**
     * Called by advice when an I/O dispatch starts. I/O is only ever dispatched on I/O loop threads,
     * so a thread without a slot is registered here: that covers loops that were already running when
     * the agent attached late, and never entered the instrumented {@code run()}.
     */
    public static LoopSlot beginIo(Class<?> dispatcher) {
        LoopSlot slot = beginTask();
        if (slot != null) {
            return slot;
        }
        Thread current = Thread.currentThread();
        if (slotOf(current) != null) {
            return null; // nested dispatch
        }
        slot = register(current, dispatcher == null ? null : dispatcher.getClassLoader());
        return slot != null && slot.tryBegin() ? slot : null;
    }

    /** Called by advice when a task or I/O dispatch begun by {@link #beginTask()} or {@link #beginIo} returns or throws. */
    public static void endTask(LoopSlot slot) {
        if (slot != null) {
            slot.end();
        }
    }

    /** Returned by {@link #enterHandler} on threads that are not watched: {@link #exitHandler} then does nothing. */
    public static final Object NOT_WATCHED = new Object();

    /**
     * Called by advice where a framework dispatches to application code (a Vert.x route handler, an
     * event-bus consumer): remembers {@code handler} in the current loop's slot, so that a stall report can
     * name it. Returns what to pass to {@link #exitHandler} when the dispatch returns. Costs one slot
     * look-up and one store, and only at those dispatch points: plain Netty tasks never pay for it.
     */
    @SuppressWarnings("deprecation")
    public static Object enterHandler(Object handler) {
        LoopSlot[] slots = byId;
        long id = Thread.currentThread().getId();
        if (id < slots.length) {
            LoopSlot slot = slots[(int) id];
            if (slot != null) {
                return slot.swapHandler(handler);
            }
        }
        return NOT_WATCHED;
    }

    /** Restores the handler that {@link #enterHandler} replaced. */
    @SuppressWarnings("deprecation")
    public static void exitHandler(Object previous) {
        if (previous == NOT_WATCHED) {
            return;
        }
        LoopSlot[] slots = byId;
        long id = Thread.currentThread().getId();
        if (id < slots.length) {
            LoopSlot slot = slots[(int) id];
            if (slot != null) {
                slot.swapHandler(previous);
            }
        }
    }

    /**
     * Called by advice when a Netty {@code DefaultEventExecutor}'s {@code run()} starts (installed only with
     * {@code executors=on}): the thread is watched, as an executor, while inside it.
     */
    public static LoopSlot enterExecutor(Class<?> executorType) {
        Thread current = Thread.currentThread();
        if (slotOf(current) != null) {
            return null;
        }
        return register(current, executorType == null ? null : executorType.getClassLoader(), LoopSlot.EXECUTOR);
    }

    /**
     * Called by advice when a non-blocking scheduler makes a thread (Reactor's {@code parallel-*}): the
     * thread is watched, as a scheduler, from now until it dies (the watchdog reaps dead threads).
     */
    public static void registerScheduler(Thread thread, Class<?> factoryType) {
        if (thread != null && slotOf(thread) == null) {
            register(thread, factoryType == null ? null : factoryType.getClassLoader(), LoopSlot.SCHEDULER);
        }
    }

    /**
     * Called by advice when Reactor's thread factory returns a thread: one made for a non-blocking scheduler
     * ({@code nonBlocking}) is watched from now on.
     */
    public static void schedulerThread(Thread thread, boolean nonBlocking, Class<?> factoryType) {
        if (nonBlocking) {
            registerScheduler(thread, factoryType);
        }
    }

    /** Called by advice when a loop's {@code run()} starts: the current thread is a loop from now on. */
    public static LoopSlot enterLoop(Class<?> loopType) {
        return enterLoop(loopType, null);
    }

    /**
     * As {@link #enterLoop(Class)}, with the loop itself ({@code this} of its {@code run()}): when it is an
     * {@link java.util.concurrent.Executor} (every Netty event loop is), the loop-lag probe is queued on it.
     */
    public static LoopSlot enterLoop(Class<?> loopType, Object loop) {
        Thread current = Thread.currentThread();
        if (slotOf(current) != null) {
            return null; // already registered: the outer run() owns the registration
        }
        LoopSlot slot = register(current, loopType == null ? null : loopType.getClassLoader());
        if (slot != null && loop instanceof java.util.concurrent.Executor) {
            slot.executor((java.util.concurrent.Executor) loop);
        }
        return slot;
    }

    /** Called by advice when the loop's {@code run()} returns or throws. */
    public static void exitLoop(LoopSlot slot) {
        if (slot != null) {
            unregister(slot);
        }
    }

    /**
     * Registers a thread found running a loop by its stack (it entered {@code run()} before the advice was
     * there). Returns false when it already was registered.
     */
    public static boolean adopt(Thread thread, ClassLoader appLoader) {
        return adopt(thread, appLoader, false);
    }

    /**
     * As {@link #adopt(Thread, ClassLoader)}; {@code busy}: the loop's stack shows it inside a task, which is then
     * watched like any other from now on (see {@link LoopSlot#adoptBusy()}).
     */
    public static boolean adopt(Thread thread, ClassLoader appLoader, boolean busy) {
        return register(thread, appLoader, LoopSlot.LOOP, busy) != null;
    }

    @SuppressWarnings("deprecation")
    static LoopSlot slotOf(Thread thread) {
        LoopSlot[] slots = byId;
        long id = thread.getId();
        return id < slots.length ? slots[(int) id] : null;
    }

    @SuppressWarnings("deprecation")
    static LoopSlot register(Thread thread, ClassLoader appLoader) {
        return register(thread, appLoader, LoopSlot.LOOP);
    }

    static LoopSlot register(Thread thread, ClassLoader appLoader, String kind) {
        return register(thread, appLoader, kind, false);
    }

    /**
     * The agent's install still under way, or null: the JDK's blocking methods get their advice on a thread of the
     * agent's own while the application's {@code main} starts (see the agent's {@code AgentInstaller}); a loop waits
     * for it before its first task, so that every blocking call a loop makes is seen.
     */
    private static volatile java.util.concurrent.CountDownLatch installing;
    /** The longest a loop waits for the install: past it the loop runs, and only its blocking calls may be missed. */
    private static final long INSTALL_WAIT_MILLIS = 2_000;

    /** Makes loops that register from now on wait until {@code done} (at most {@link #INSTALL_WAIT_MILLIS}). */
    public static void holdLoopsUntil(java.util.concurrent.CountDownLatch done) {
        installing = done;
    }

    private static void awaitInstall() {
        java.util.concurrent.CountDownLatch done = installing;
        if (done == null || done.getCount() == 0) {
            return;
        }
        try {
            done.await(INSTALL_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        installing = null;
    }

    private static LoopSlot register(Thread thread, ClassLoader appLoader, String kind, boolean busy) {
        awaitInstall();
        return registerNow(thread, appLoader, kind, busy);
    }

    @SuppressWarnings("deprecation")
    private static synchronized LoopSlot registerNow(Thread thread, ClassLoader appLoader, String kind, boolean busy) {
        if (slotOf(thread) != null) {
            return null;
        }
        long id = thread.getId();
        if (id >= MAX_ID) {
            refused++;
            return null;
        }
        LoopSlot[] slots = byId;
        if (id >= slots.length) {
            int length = slots.length;
            while (length <= id) {
                length *= 2;
            }
            slots = java.util.Arrays.copyOf(slots, length);
        } else {
            slots = slots.clone();
        }
        LoopSlot slot = new LoopSlot(thread, appLoader, kind);
        if (busy) {
            slot.adoptBusy();
        }
        slots[(int) id] = slot;
        byId = slots;
        LoopSlot[] all = java.util.Arrays.copyOf(live, live.length + 1);
        all[all.length - 1] = slot;
        live = all;
        Thread w = watcher;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return slot;
    }

    /**
     * Turns on the loop threads' side of {@code action=interrupt}: from now on each task's start and end
     * clear an interrupt the watchdog made during a task (see {@link LoopSlot#interrupts}). Called once, when
     * the engine is made, before any loop registers; under the registration lock, so that every loop that
     * registers later sees it. There is no way back.
     */
    public static synchronized void enableInterrupts() {
        LoopSlot.interrupts = true;
        LoopSlot.slowBegin = true;
        LoopSlot.slowEnd = true;
    }

    /**
     * Turns on {@code task.histogram=exact}: from now on every task's start and end read the clock, and its length goes
     * into its loop's histogram ({@link LoopSlot#durations()}). Called once, when the engine is made, before any loop
     * registers (a slot made before has no histogram); under the registration lock, as {@link #enableInterrupts()}.
     * There is no way back.
     */
    public static synchronized void enableTaskDurations() {
        LoopSlot.taskDurations = true;
        LoopSlot.slowBegin = true;
        LoopSlot.slowEnd = true;
    }

    /** Forgets a loop: its thread left {@code run()} or died. */
    public static synchronized void unregister(LoopSlot slot) {
        LoopSlot[] slots = byId;
        int id = (int) slot.threadId;
        if (id < slots.length && slots[id] == slot) {
            slots = slots.clone();
            slots[id] = null;
            byId = slots;
        }
        LoopSlot[] old = live;
        int at = -1;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == slot) {
                at = i;
                break;
            }
        }
        if (at >= 0) {
            LoopSlot[] all = new LoopSlot[old.length - 1];
            System.arraycopy(old, 0, all, 0, at);
            System.arraycopy(old, at + 1, all, at, old.length - at - 1);
            live = all;
        }
    }

    /** The watched loops now; a new array whenever a loop comes or goes, so identity tells a change. */
    public static LoopSlot[] live() {
        return live;
    }

    /** Loops not watched because their thread id was too large. */
    public static long refused() {
        return refused;
    }

    /** Wakes the watchdog (a loop went busy while it was sleeping long). */
    static void wakeWatcher() {
        Thread w = watcher;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** The thread to wake when a loop registers (the watchdog sleeps long while there is none). */
    public static void watcher(Thread thread) {
        watcher = thread;
    }
}
