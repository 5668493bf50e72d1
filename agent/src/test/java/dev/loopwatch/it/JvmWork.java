package dev.loopwatch.it;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/** Loop tasks whose time is mostly the JVM's: a GC pause while they run, a slow static initialiser. */
final class JvmWork {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Objects that every full GC must trace and move: what makes its pause long. */
    private static Object[] live;

    private JvmWork() {
    }

    /** About 100 MB of small live objects, made once before a GC is asked for (not on the loop's clock). */
    static String liveSet() {
        if (live == null) {
            Object[] objects = new Object[2_000_000];
            for (int i = 0; i < objects.length; i++) {
                objects[i] = new long[4];
            }
            live = objects;
        }
        return Integer.toString(live.length);
    }

    /**
     * Spins until this thread has had {@code ms} of CPU, while another thread asks for three full GCs: the task's own
     * work is short, its time on the clock is mostly the GC's pauses (every thread stands still in them). Returns the
     * task's milliseconds on the clock.
     */
    static String ownWorkDuringGc(long ms) {
        Thread gc = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
        }, "fixture-gc");
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        gc.start();
        long x = 0;
        while (THREADS.getCurrentThreadCpuTime() - cpu < TimeUnit.MILLISECONDS.toNanos(ms)) {
            x += x * 31 + 7;
        }
        return (x == 42 ? "" : "") + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall);
    }

    /** {@code ms} of CPU in two methods, half each: a stall whose profile has two places. */
    static String twoPlaces(long ms) {
        return Long.toString(firstHalf(ms / 2) + secondHalf(ms / 2));
    }

    // Each spins in its own frame: the culprit is the innermost application frame.
    private static long firstHalf(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += x * 31 + 7;
        }
        return x == 42 ? 0 : 1;
    }

    private static long secondHalf(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += x * 31 + 7;
        }
        return x == 42 ? 0 : 1;
    }

    /** A class whose static initialiser takes 150 ms: the first request that names it stalls in class loading. */
    static final class SlowInit {
        static final String VALUE;

        static {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
            long x = 0;
            while (System.nanoTime() < deadline) {
                x += x * 31 + 7;
            }
            VALUE = "initialised " + (x == 42 ? "" : "in 150 ms");
        }
    }
}
