package dev.loopwatch.core;

import dev.loopwatch.bridge.DurationHistogram;
import dev.loopwatch.bridge.LoopSlot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Loop lag, as Node's {@code monitorEventLoopDelay} measures it: every interval the watchdog queues a probe task on
 * each I/O loop, and the probe, when the loop gets to it, records how long it waited. That wait is what any event
 * arriving then waited too: long tasks, but also many short ones queued behind each other, which no stall shows.
 *
 * <p>A probe still waiting is not queued again (a stalled loop gets one probe, whose wait is the stall's), and a loop
 * that ran nothing since the last probe is not probed: it is idle, and its lag would be its wake-up time, while
 * waking every loop each interval cost an idle service 0.35-0.55 % of a core at 100 ms (measured with
 * {@code IdleCpuMain}). What it costs a busy loop: one tiny task per interval. Touched by the watchdog thread, but for the probes'
 * {@code run}, on their loops.
 */
final class LoopLag {
    private final long intervalNanos;
    /** By slot (identity: LoopSlot keeps Object's equals); concurrent, as the lag is read from other threads. */
    private final Map<LoopSlot, Probe> probes = new ConcurrentHashMap<>();
    private long nextAt;

    LoopLag(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** Queues a probe on every loop that has none waiting, once per interval; drops the probes of loops gone. */
    void tick(LoopSlot[] slots, long now) {
        if (now - nextAt < 0) {
            return;
        }
        nextAt = now + intervalNanos;
        if (probes.size() > slots.length) {
            probes.keySet().retainAll(java.util.Arrays.asList(slots));
        }
        for (LoopSlot slot : slots) {
            Executor loop = slot.executor();
            if (loop == null) {
                continue;
            }
            Probe probe = probes.get(slot);
            if (probe == null) { // the watchdog's thread only adds
                probe = new Probe(slot.thread().getName());
                probes.put(slot, probe);
            }
            long seq = slot.seq();
            if (probe.waiting || ((seq & 1L) == 0 && seq - probe.seqAtQueue <= 2)) {
                // Waiting still; or the loop ran nothing but the last probe since: it is idle in select, and a probe
                // would only measure its wake-up while costing an idle service a wake-up per loop and interval.
                continue;
            }
            probe.seqAtQueue = seq;
            probe.waiting = true;
            probe.queuedAt = System.nanoTime();
            try {
                loop.execute(probe);
            } catch (RejectedExecutionException e) {
                probe.waiting = false; // shutting down: it leaves the live slots soon
            }
        }
    }

    /** Each loop's lag so far. */
    List<Lag> snapshot() {
        List<Lag> all = new ArrayList<>();
        for (Probe probe : probes.values()) {
            all.add(Lag.of(probe.thread, probe.histogram));
        }
        return all;
    }

    /** The task queued on a loop: its run says how long it waited. */
    static final class Probe implements Runnable {
        final String thread;
        /** Written by the probe's loop only. */
        final DurationHistogram histogram = new DurationHistogram();
        volatile long queuedAt;
        /** The loop's task counter when the probe was queued (watchdog thread only). */
        long seqAtQueue = -10;
        volatile boolean waiting;

        Probe(String thread) {
            this.thread = thread;
        }

        @Override
        public void run() {
            histogram.record(System.nanoTime() - queuedAt);
            waiting = false;
        }
    }
}
