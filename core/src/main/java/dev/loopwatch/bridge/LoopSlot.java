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

    static {
        try {
            SEQ = MethodHandles.lookup().findVarHandle(LoopSlotSeq.class, "seq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    LoopSlot(Thread thread, ClassLoader appLoader) {
        super(thread, appLoader);
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

/** Read-only fields, after the padding. */
abstract class LoopSlotFields extends LoopSlotRightPad {
    final Thread thread;
    final long threadId;
    final java.lang.ref.WeakReference<ClassLoader> appLoader;
    /** The loop's blocking calls; preallocated so that recording never allocates on the loop. */
    final BlockingRing blocking = new BlockingRing();

    @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
    LoopSlotFields(Thread thread, ClassLoader appLoader) {
        this.thread = thread;
        this.threadId = thread.getId();
        this.appLoader = new java.lang.ref.WeakReference<>(appLoader);
    }
}
