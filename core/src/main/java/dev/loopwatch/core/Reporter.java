package dev.loopwatch.core;

import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands reports from the watchdog to the sinks on a thread of its own, so that a slow log or disk
 * never delays detection. The queue is bounded: when it is full a report is dropped and counted.
 * A sink that throws is switched off and said once; the other sinks go on. It is itself the watchdog's and the
 * drain's {@code Consumer<Report>}: a method reference made at start would cost a generated class (see
 * {@link LoopWatch}).
 */
final class Reporter implements Runnable, Consumer<Report> {
    private static final int CAPACITY = 4096;
    /** With nothing to report, the thread wakes this often for the sinks' periodic work (nothing measurable). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Most reports handed to the sinks between two flushes. */
    static final int MAX_BATCH = 256;
    /** The batch being delivered: reporter thread only. */
    private final List<Report> batch = new ArrayList<>(MAX_BATCH);

    private final BlockingQueue<Report> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final List<ReportSink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    /** Queued by {@link #stop()}: the reports before it are delivered, then the thread ends. */
    private static final Report STOP = new Report(dev.loopwatch.core.report.ReportType.STALL, 0, java.time.Instant.EPOCH,
            "stop", 0, 0, null, null, List.of());

    Reporter(List<ReportSink> sinks) {
        this.sinks.addAll(sinks);
    }

    void add(ReportSink sink) {
        sinks.add(sink);
    }

    @Override
    public void accept(Report report) {
        submit(report);
    }

    void submit(Report report) {
        if (queue.offer(report)) {
            submitted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }

    /** Waits until every report submitted so far went through the sinks; false on timeout. */
    boolean awaitDelivered(long timeoutNanos) {
        long target = submitted.get();
        return Await.until(() -> delivered.get() >= target, () -> true, timeoutNanos);
    }


    /** Reports handed to the sinks so far. */
    long delivered() {
        return delivered.get();
    }

    @Override
    public void run() {
        try {
            // Blocks until there is a report, or 5 s: polling every 100 ms cost a pinned service about 0.3 % of its CPU;
            // every 5 s, for the sinks' idle work, costs nothing measurable. stop() queues STOP behind what is there.
            while (true) {
                Report report = queue.poll(IDLE_NANOS, TimeUnit.NANOSECONDS);
                if (report == STOP) {
                    break;
                }
                if (report == null) {
                    idle();
                } else if (deliverBatch(report)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (ReportSink sink : sinks) {
                try {
                    sink.close();
                } catch (Exception e) {
                    Diagnostics.error("report sink " + sink.getClass().getSimpleName(), e);
                }
            }
        }
    }

    /** The sinks' periodic work (the meters' gauges of new loops), after IDLE_NANOS without a report. */
    private void idle() {
        for (ReportSink sink : sinks) {
            try {
                sink.idle();
            } catch (Throwable t) {
                sinks.remove(sink);
                Diagnostics.disabled("report sink " + sink.getClass().getSimpleName(), t);
            }
        }
    }

    /**
     * Hands {@code first} and whatever else is queued (at most {@link #MAX_BATCH}) to the sinks, then lets them write
     * the batch out: in a storm of reports the JSON-lines file gets one write a batch instead of one a line, which is
     * what keeps the sinks up with 10 000 stalls a second. Counted as delivered once written. True at STOP.
     */
    private boolean deliverBatch(Report first) {
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        boolean stop = false;
        int n = 0;
        for (Report report : batch) {
            if (report == STOP) {
                stop = true;
                break;
            }
            for (ReportSink sink : sinks) {
                try {
                    sink.accept(report);
                } catch (Throwable t) {
                    sinks.remove(sink);
                    Diagnostics.disabled("report sink " + sink.getClass().getSimpleName(), t);
                }
            }
            n++;
        }
        for (ReportSink sink : sinks) {
            try {
                sink.flush();
            } catch (Throwable t) {
                sinks.remove(sink);
                Diagnostics.disabled("report sink " + sink.getClass().getSimpleName(), t);
            }
        }
        delivered.addAndGet(n);
        Await.stepped();
        return stop;
    }

    /** Delivers what is queued, then ends the thread. */
    void stop() throws InterruptedException {
        queue.put(STOP);
    }
}
