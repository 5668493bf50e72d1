package dev.loopwatch.core.blocking;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.core.Diagnostics;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

/**
 * Contended {@code synchronized} on a loop. The JVM enters monitors in its own code, where no advice can go; so the
 * watchdog, which looks at every loop each tick anyway, also reads its thread's state: a loop thread that is
 * {@code BLOCKED} is waiting to enter a monitor. The first tick that sees it takes its stack (the method that
 * enters the monitor is on top) and, when it can, the monitor's class; the first tick that no longer sees it
 * reports the wait, as long as the ticks saw it. Waits of a tick or more (1 ms by default) are always reported;
 * shorter ones in proportion to their length.
 *
 * <p>Why not JFR's {@code jdk.JavaMonitorEnter}, which sees every contended enter: starting a JFR stream costs a JVM
 * about 1.3 s of CPU on 2 vCPUs (its classes, its threads, its repository), and the stream would start with the
 * service's first loop, while it starts and warms up. Reading a thread's state costs the watchdog nanoseconds, and
 * only a loop that actually waits for a monitor costs more: a stack. The wait is also reported a tick after it
 * ends, not a JFR flush (about a second) later, and its task is the one the watchdog sees the loop running.
 *
 * <p>The monitor's class comes from the JDK's thread bean, whose first use costs 50-190 ms (it loads the
 * management library): too long for the watchdog, which would miss the wait and the stalls meanwhile. So the bean
 * is made on a thread of its own the first time a loop waits, and waits seen before it is ready are named
 * {@code synchronized} alone.
 */
public final class MonitorContention {
    private final BlockingDrain drain;
    /** The JDK's thread bean, once made (see the class comment); null until then. */
    private volatile ThreadMXBean threads;
    private boolean threadsAsked;

    public MonitorContention(BlockingDrain drain) {
        this.drain = drain;
    }

    /** What the watchdog keeps about one loop's wait for a monitor, between ticks. Watchdog thread only. */
    public static final class Wait {
        private boolean waiting;
        /** The loop's task counter when the wait was first seen: a wait never outlives its task. */
        private long seq;
        private long since;
        private StackTraceElement[] frames;
        private Object handler;
        private String monitor;
    }

    /**
     * One tick's look at a loop: {@code lastSeen} is when the previous tick looked, {@code now} this one. Watchdog
     * thread only; never throws.
     */
    public void check(LoopSlot slot, Wait wait, long lastSeen, long now) {
        try {
            Thread thread = slot.thread();
            boolean blocked = thread.getState() == Thread.State.BLOCKED;
            long seq = slot.seq();
            if (blocked && wait.waiting && seq != wait.seq) {
                // Another task waits now: the wait seen before ended between two looks (a watchdog kept off the
                // CPU can miss the gap), and this one is a wait of its own, with its own stack.
                end(slot, wait, lastSeen + (now - lastSeen) / 2);
            }
            if (blocked && !wait.waiting) {
                Object handler = slot.handler();
                String monitor = monitorClass(thread);
                StackTraceElement[] frames = thread.getStackTrace();
                if (thread.getState() != Thread.State.BLOCKED) {
                    return; // it entered the monitor while it was looked at: the stack shows what came after
                }
                wait.waiting = true;
                wait.seq = seq;
                wait.since = lastSeen + (now - lastSeen) / 2;
                wait.frames = frames;
                wait.handler = handler;
                wait.monitor = monitor;
            } else if (!blocked && wait.waiting) {
                end(slot, wait, lastSeen + (now - lastSeen) / 2);
            }
        } catch (Throwable t) {
            Diagnostics.error("contended-monitor check", t);
        }
    }

    /** The loop left the watch (its thread left run()) while waiting: its wait ends now. */
    public void forget(LoopSlot slot, Wait wait, long now) {
        if (wait.waiting) {
            end(slot, wait, now);
        }
    }

    private void end(LoopSlot slot, Wait wait, long end) {
        StackTraceElement[] frames = wait.frames;
        wait.waiting = false;
        wait.frames = null;
        Object handler = wait.handler;
        wait.handler = null;
        BlockingCalls.SEEN.incrementAndGet();
        if (drain.allows(frames)) {
            BlockingCalls.ALLOWED.incrementAndGet();
            return;
        }
        long nanos = Math.max(0, end - wait.since);
        String call = "synchronized" + (wait.monitor == null ? "" : " (" + wait.monitor + ")");
        drain.report(slot.thread().getName(), call, Instant.now().minusNanos(Math.max(0, System.nanoTime() - end)),
                nanos, frames, handler, 1);
    }

    /** The class of the monitor the thread waits for, or null (not known yet, or it waits no more). */
    private String monitorClass(Thread thread) {
        ThreadMXBean bean = threads;
        if (bean == null) {
            makeThreadBean();
            return null;
        }
        @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
        ThreadInfo info = bean.getThreadInfo(thread.getId());
        LockInfo lock = info == null || info.getThreadState() != Thread.State.BLOCKED ? null : info.getLockInfo();
        return lock == null ? null : lock.getClassName();
    }

    /** Makes the thread bean off the watchdog, once. */
    private void makeThreadBean() {
        if (threadsAsked) {
            return;
        }
        threadsAsked = true;
        Thread maker = new Thread(() -> {
            try {
                threads = ManagementFactory.getThreadMXBean();
            } catch (Throwable t) {
                Diagnostics.error("contended-monitor names", t);
            }
        }, "loopwatch-monitors");
        maker.setDaemon(true);
        maker.setContextClassLoader(null);
        maker.start();
    }
}
