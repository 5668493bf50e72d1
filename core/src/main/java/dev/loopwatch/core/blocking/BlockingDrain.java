package dev.loopwatch.core.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.StackAnalyzer;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;

import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The thread that turns what the loops recorded in their rings into reports: every {@link #TICK_NANOS}
 * it drains each loop's ring, names the call, finds the culprit and task in the stack the loop kept (or
 * credits the call to the next report of the same call on that loop when it was over the stack budget),
 * skips calls inside allow-listed methods, and hands the report on. It also starts the JFR stream for
 * contended monitors ({@link MonitorContention}), off the application's start.
 */
public final class BlockingDrain implements Runnable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_FAILED_TICKS = 100;

    private final StackAnalyzer analyzer;
    private final AllowList allowList;
    private final Consumer<Report> out;
    private final AtomicLong ids;
    private final boolean monitors;
    private volatile boolean running = true;
    private final Map<BlockingRing, long[]> pending = new IdentityHashMap<>();
    private LoopSlot[] bound = new LoopSlot[0];

    /**
     * @param ids      report ids, shared with the stalls' numbering only in spirit: a sequence of its own
     * @param monitors whether to watch contended {@code synchronized} through JFR
     */
    public BlockingDrain(StackAnalyzer analyzer, AllowList allowList, Consumer<Report> out, AtomicLong ids,
                         boolean monitors) {
        this.analyzer = analyzer;
        this.allowList = allowList;
        this.out = out;
        this.ids = ids;
        this.monitors = monitors;
    }

    @Override
    public void run() {
        if (monitors) {
            MonitorContention.start(this);
        }
        int failed = 0;
        while (running) {
            try {
                drainAll();
                failed = 0;
            } catch (Throwable t) {
                Diagnostics.error("blocking-call drain", t);
                if (++failed >= MAX_FAILED_TICKS) {
                    Diagnostics.disabled("blocking-call reports", t);
                    return;
                }
            }
            LockSupport.parkNanos(bound.length == 0 ? IDLE_NANOS : TICK_NANOS);
        }
        drainAll();
    }

    public void stop() {
        running = false;
        MonitorContention.stop();
    }

    /** One pass over every loop's ring. Package-private for tests. */
    void drainAll() {
        LoopSlot[] live = Loops.live();
        if (live != bound) {
            Map<BlockingRing, long[]> keep = new IdentityHashMap<>();
            for (LoopSlot slot : live) {
                BlockingRing ring = Blocking.ringOf(slot);
                keep.put(ring, pending.getOrDefault(ring, new long[BlockingRing.MAX_CALLS]));
            }
            pending.clear();
            pending.putAll(keep);
            bound = live;
        }
        for (LoopSlot slot : bound) {
            BlockingRing ring = Blocking.ringOf(slot);
            long[] credit = pending.get(ring);
            boolean canary = ring.isCanary();
            String thread = slot.thread().getName();
            ring.drain((call, start, end, stack) -> {
                if (canary) {
                    return;
                }
                BlockingCalls.SEEN.incrementAndGet();
                if (stack == null) {
                    credit[call]++;
                    return;
                }
                StackTraceElement[] frames = withoutBridge(stack.getStackTrace());
                if (allowList.allows(frames)) {
                    BlockingCalls.ALLOWED.incrementAndGet();
                    return;
                }
                long count = credit[call] + 1;
                credit[call] = 0;
                report(thread, BlockingCalls.name(call), end - start, frames, count);
            });
        }
    }

    /** Reports one blocking call; also the JFR stream's way in. */
    void report(String thread, String call, long nanos, StackTraceElement[] frames, long count) {
        BlockingCalls.REPORTED.incrementAndGet();
        List<StackTraceElement> stack = analyzer.trim(frames);
        out.accept(new Report(ReportType.BLOCKING_CALL, ids.incrementAndGet(), Instant.now(), thread, nanos, 0,
                analyzer.describeTask(frames), analyzer.culprit(frames), stack, call, count));
    }

    boolean allows(StackTraceElement[] frames) {
        return allowList.allows(frames);
    }

    /** The loop's stack from the blocking method down: the recording frames of the bridge are dropped. */
    static StackTraceElement[] withoutBridge(StackTraceElement[] stack) {
        int from = 0;
        while (from < stack.length && stack[from].getClassName().startsWith("dev.loopwatch.bridge.")) {
            from++;
        }
        return Arrays.copyOfRange(stack, from, stack.length);
    }
}
