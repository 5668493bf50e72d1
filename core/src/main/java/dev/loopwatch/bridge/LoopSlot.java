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

    /** The kind of an I/O event loop (Netty, and so Vert.x, Reactor Netty, gRPC). */
    public static final String LOOP = "loop";
    /** The kind of a non-blocking scheduler thread (Reactor's {@code parallel-*} and {@code single-*}). */
    public static final String SCHEDULER = "scheduler";
    /** The kind of a Netty {@code DefaultEventExecutor} thread (watched only with {@code executors=on}). */
    public static final String EXECUTOR = "executor";

    static {
        try {
            SEQ = MethodHandles.lookup().findVarHandle(LoopSlotSeq.class, "seq", long.class);
            HANDLER = MethodHandles.lookup().findVarHandle(LoopSlotFields.class, "handler", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    LoopSlot(Thread thread, ClassLoader appLoader, String kind) {
        super(thread, appLoader, kind);
    }

    /** Marks a task as started, unless one already runs (a nested dispatch): then returns false. */
    boolean tryBegin() {
        long s = seq;
        if ((s & 1L) != 0) {
            return false;
        }
        SEQ.setOpaque(this, s + 1);
        return true;
    }

    /** Marks the task begun by a successful {@link #tryBegin()} as ended. Called on the loop thread only. */
    public void end() {
        SEQ.setOpaque(this, seq + 1);
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
}

/** Cache-line padding after the counter. */
abstract class LoopSlotRightPad extends LoopSlotSeq {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Read-only fields (and the rarely written handler), after the padding. */
abstract class LoopSlotFields extends LoopSlotRightPad {
    final Thread thread;
    final long threadId;
    final java.lang.ref.WeakReference<ClassLoader> appLoader;
    final String kind;
    /** See {@link LoopSlot#handler()}; not on the counter's cache line, as it is written rarely. */
    Object handler;

    @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
    LoopSlotFields(Thread thread, ClassLoader appLoader, String kind) {
        this.thread = thread;
        this.kind = kind;
        this.threadId = thread.getId();
        this.appLoader = new java.lang.ref.WeakReference<>(appLoader);
    }
}
