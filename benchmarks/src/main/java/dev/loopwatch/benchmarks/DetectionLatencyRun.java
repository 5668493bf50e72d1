package dev.loopwatch.benchmarks;

import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Item 2, one threshold: run under {@code -javaagent:loopwatch-agent.jar=threshold=50ms,log=off} (the
 * driver {@link DetectionLatencyMain} starts it). Submits long tasks (threshold + 20 ms of spinning) one at
 * a time to a real Netty 4.2 NIO event loop, then short ones (80 % of the threshold), and matches each
 * STALL report to the task running when it was made. Latency = report time - (task start + threshold).
 *
 * <p>Arguments: long-task count, short-task count. Prints one Markdown row, and fails on a missed stall or
 * a report for a short task.
 */
public final class DetectionLatencyRun {
    /** Idle time between tasks, so that each task starts from a waiting loop as in a real service. */
    private static final long GAP_MILLIS = 3;

    private DetectionLatencyRun() {
    }

    public static void main(String[] args) throws Exception {
        int longTasks = Integer.parseInt(args[0]);
        int shortTasks = Integer.parseInt(args[1]);
        LoopWatch engine = LoopWatch.current();
        if (engine == null) {
            throw new IllegalStateException("run me under -javaagent:loopwatch-agent.jar=threshold=...,log=off");
        }
        long threshold = engine.config().thresholdNanos();
        ConcurrentLinkedQueue<Report> stalls = new ConcurrentLinkedQueue<>();
        engine.addSink(report -> {
            if (report.type() == ReportType.STALL) {
                stalls.add(report);
            }
        });
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            runSpin(loop, 0); // starts the loop thread
            awaitWatched(engine);
            ClockAnchor anchor = ClockAnchor.take();
            long[][] longRuns = runAll(loop, longTasks, threshold + TimeUnit.MILLISECONDS.toNanos(20));
            long[][] shortRuns = runAll(loop, shortTasks, threshold * 8 / 10);
            Thread.sleep(500); // reports are delivered on the reporter thread: let the last ones arrive
            print(threshold, anchor, longRuns, shortRuns, new ArrayList<>(stalls), engine.status().unobserved());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Waits for the instrumentation and for the loop thread to be watched: else nothing would be reported. */
    private static void awaitWatched(LoopWatch engine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!engine.status().instrumented() || engine.status().loops() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("loop never watched: " + engine.status());
            }
            Thread.sleep(10);
        }
        if (!engine.status().instrumentations().containsKey(AgentProbe.LINE)) {
            throw new IllegalStateException("netty-4.2 not instrumented: " + engine.status());
        }
    }

    /** Runs {@code count} tasks of {@code spinNanos} one after the other; returns their [start, end] nanoTimes. */
    private static long[][] runAll(EventLoop loop, int count, long spinNanos) throws InterruptedException {
        long[][] runs = new long[count][];
        for (int i = 0; i < count; i++) {
            runs[i] = runSpin(loop, spinNanos);
            Thread.sleep(GAP_MILLIS);
        }
        return runs;
    }

    private static long[] runSpin(EventLoop loop, long spinNanos) throws InterruptedException {
        long[] startEnd = new long[2];
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            long start = System.nanoTime();
            startEnd[0] = start;
            long end = start + spinNanos;
            long now;
            while ((now = System.nanoTime()) < end) {
                Thread.onSpinWait();
            }
            startEnd[1] = now;
            done.countDown();
        });
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("task did not finish");
        }
        return startEnd;
    }

    /**
     * Matches each STALL report to the task that was running (or had last run) when the report was made:
     * tasks run one at a time, 3 ms apart, and a report is made while its task runs (the watchdog samples
     * the stack at once). Not by the start the watchdog inferred: after a gap in its ticks that estimate can
     * be off by half the gap, which is one of the things measured here.
     */
    private static void print(long threshold, ClockAnchor anchor, long[][] longRuns, long[][] shortRuns,
                              List<Report> stalls, long unobserved) {
        int[] longHits = new int[longRuns.length];
        double[] firstLatency = new double[longRuns.length];
        int onShort = 0;
        int unmatched = 0;
        int early = 0;
        for (Report report : stalls) {
            long at = anchor.toNanoTime(report.time());
            int i = lastStartedBefore(longRuns, at);
            int j = lastStartedBefore(shortRuns, at);
            if (j >= 0) { // short tasks run after all long ones
                onShort++;
            } else if (i >= 0) {
                if (longHits[i]++ == 0) {
                    firstLatency[i] = (at - (longRuns[i][0] + threshold)) / 1e6;
                    if (firstLatency[i] < -1.0) {
                        early++; // reported more than a tick before the task reached the threshold
                    }
                }
            } else {
                unmatched++;
            }
        }
        double[] latencies = new double[longRuns.length];
        int found = 0;
        int duplicates = 0;
        for (int i = 0; i < longRuns.length; i++) {
            if (longHits[i] > 0) {
                latencies[found++] = firstLatency[i];
                duplicates += longHits[i] - 1;
            }
        }
        int missed = longRuns.length - found;
        Stats s = new Stats(java.util.Arrays.copyOf(latencies, Math.max(found, 1)));
        System.out.printf(Locale.ROOT, "| %d ms | %d/%d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | %d × %d ms: %d |%n",
                threshold / 1_000_000, found, longRuns.length, unobserved, s.min(), s.percentile(50), s.percentile(90),
                s.percentile(99), s.max(), early, duplicates, unmatched, shortRuns.length,
                threshold * 8 / 10 / 1_000_000, onShort);
        System.out.flush();
        if (missed > 0 || onShort > 0 || unmatched > 0 || duplicates > 0 || early > 0) {
            System.err.println("FAILED: " + missed + " long tasks without a report, " + early + " reported early, " + onShort
                    + " reports for tasks under the threshold, " + unmatched + " reports matching no task, "
                    + duplicates + " second reports for one task");
            explain(longRuns, longHits, firstLatency, anchor, stalls);
            System.exit(1);
        }
    }

    /** For every long task without exactly one report, or reported early: it, its neighbours and the reports around them. */
    private static void explain(long[][] longRuns, int[] longHits, double[] firstLatency, ClockAnchor anchor,
                                List<Report> stalls) {
        long origin = longRuns[0][0];
        for (int i = 0; i < longRuns.length; i++) {
            if (longHits[i] == 1 && firstLatency[i] >= -1.0) {
                continue;
            }
            System.err.printf(Locale.ROOT, "task %d got %d reports (first %.2f ms past the threshold); times in ms "
                    + "from the first task's start:%n", i, longHits[i], firstLatency[i]);
            int from = Math.max(0, i - 1);
            int to = Math.min(longRuns.length - 1, i + 1);
            for (int k = from; k <= to; k++) {
                System.err.printf(Locale.ROOT, "  task %d ran %.2f .. %.2f%n", k, (longRuns[k][0] - origin) / 1e6,
                        (longRuns[k][1] - origin) / 1e6);
            }
            for (Report r : stalls) {
                long at = anchor.toNanoTime(r.time());
                if (at >= longRuns[from][0] && at <= longRuns[to][1] + 200_000_000L) {
                    System.err.printf(Locale.ROOT, "  STALL #%d at %.2f, elapsed %.2f (inferred start %.2f), %s%n", r.id(),
                            (at - origin) / 1e6, r.elapsedNanos() / 1e6, (at - r.elapsedNanos() - origin) / 1e6,
                            r.culpritFrame());
                }
            }
        }
    }

    /** Index of the last run started at or before {@code time}, or -1. */
    private static int lastStartedBefore(long[][] runs, long time) {
        int last = -1;
        for (int i = 0; i < runs.length && runs[i][0] <= time; i++) {
            last = i;
        }
        return last;
    }
}
