package dev.loopwatch.core;

/**
 * The passes of one of loopwatch's own threads (a watchdog tick, a drain of the loops' rings), counted so that
 * a flush can wait for one pass that began after it was called: everything a loop did before the call is then
 * seen. One pass, not two, when the thread is idle at the call, which is the usual case. Only the owning
 * thread calls {@link #begin()} and {@link #end()}.
 */
public final class Passes {
    private volatile long started;
    private volatile long done;
    private volatile Thread thread;

    public void begin() {
        if (thread == null) {
            thread = Thread.currentThread();
        }
        started++;
    }

    public void end() {
        done++;
        Await.stepped();
    }

    /**
     * The count of passes done once a pass that begins after this call has ended: if one is under way now it
     * may have looked at a loop before the call, so the next one is needed.
     */
    public long wholePassAfterNow() {
        return started + 1;
    }

    public boolean reached(long target) {
        return done >= target;
    }

    long done() {
        return done;
    }

    /** The owning thread, to be woken; null before its first pass. */
    public Thread thread() {
        return thread;
    }
}
