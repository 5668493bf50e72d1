package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;

/**
 * One sliceable unit of a loop's work under {@code action=slice}: a queued task, or one channel's I/O dispatch,
 * run as a continuation that can be suspended at an injected check and resumed later on the same loop thread.
 * Only the loop thread touches it. It is the continuation's target: {@link #run()} runs the work itself.
 */
final class SliceUnit implements Runnable {
    final LoopSlot slot;
    /** The queued task, or null for an I/O dispatch. */
    private final Runnable task;
    /** I/O dispatch: the channel's registration, its ready operations, its key, the dispatch method. */
    final Object registration;
    private final int readyOps;
    private final SelectionKey key;
    private final MethodHandle dispatch;
    /** The key's interest while the dispatch is suspended (the channel's events wait), or -1 before any. */
    private int heldOps = -1;
    /** The jdk.internal.vm.Continuation running this unit. */
    Object continuation;
    /** Set when the work wrote a ThreadLocal or FastThreadLocal: it is then never suspended (hazard: leak). */
    boolean threadLocals;
    /** The framework handler the slot named when the unit was suspended (restored when it resumes). */
    Object handler;
    /** What the work threw: thrown again outside the continuation, where the loop expects it. */
    Throwable failure;
    /** Once set, the unit is run to its end without further yields (its loop can no longer resume it). */
    boolean toTheEnd;

    SliceUnit(LoopSlot slot, Runnable task) {
        this.slot = slot;
        this.task = task;
        this.registration = null;
        this.readyOps = 0;
        this.key = null;
        this.dispatch = null;
    }

    SliceUnit(LoopSlot slot, Object registration, int readyOps, SelectionKey key, MethodHandle dispatch) {
        this.slot = slot;
        this.task = null;
        this.registration = registration;
        this.readyOps = readyOps;
        this.key = key;
        this.dispatch = dispatch;
    }

    @Override
    public void run() {
        try {
            if (task != null) {
                task.run();
            } else {
                dispatch.invokeExact(registration, readyOps);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    boolean isIo() {
        return registration != null;
    }

    /**
     * The dispatch was suspended, or an event of its channel came meanwhile: the channel's interest is taken off its
     * key, so that none of its events is dispatched before this one ends (they are not lost: NIO's readiness is
     * level-triggered and reported again once the interest is back). An interest Netty set meanwhile (a write that
     * now waits for OP_WRITE) is what is restored.
     */
    void holdChannel() {
        if (key == null) {
            return;
        }
        try {
            int now = key.interestOps();
            if (now != 0 || heldOps < 0) {
                heldOps = now;
            }
            if (now != 0) {
                key.interestOps(0);
            }
        } catch (CancelledKeyException | IllegalArgumentException e) {
            // the channel was closed: no event of it comes any more
        }
    }

    /** The dispatch ended: the channel's interest is back (Netty's own change in the last slice, if any, wins). */
    void releaseChannel() {
        if (key == null || heldOps < 0) {
            return;
        }
        try {
            int now = key.interestOps();
            key.interestOps(now != 0 ? now : heldOps); // on the loop thread: the next select sees it
        } catch (CancelledKeyException | IllegalArgumentException e) {
            // closed meanwhile
        }
    }
}
