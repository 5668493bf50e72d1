package dev.loopwatch.core.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.Passes;
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
 * credits the call to the next report of the same call on that loop when it was over the stack budget; if
 * none comes within {@link #FLUSH_NANOS}, to one report at that call's last site: every call is in a count),
 * skips calls inside allow-listed methods, and hands the report on. Contended monitors, which the watchdog sees
 * ({@link MonitorContention}), are reported through it too.
 */
public final class BlockingDrain implements Runnable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * The sleep after a pass that found nothing to do: an idle service then wakes the drain 20 times a second,
     * not 100 (each wake-up costs the kernel more than the pass). The ring holds 512 calls and counts any it
     * has no room for, so a burst after a quiet spell loses no call, at most some stacks.
     */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_FAILED_TICKS = 100;
    /** Calls credited to no report yet are reported, with the call's last site on that loop, after this. */
    static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final StackAnalyzer analyzer;
    private final AllowList allowList;
    private final Consumer<Report> out;
    private final AtomicLong ids;
    private volatile boolean running = true;
    private final Map<BlockingRing, Credit[]> pending = new IdentityHashMap<>();
    private final RecordedCalls calls = new RecordedCalls();
    private LoopSlot[] bound = new LoopSlot[0];

    /** @param ids report ids, shared with the stalls' numbering only in spirit: a sequence of its own */
    public BlockingDrain(StackAnalyzer analyzer, AllowList allowList, Consumer<Report> out, AtomicLong ids) {
        this.analyzer = analyzer;
        this.allowList = allowList;
        this.out = out;
        this.ids = ids;
    }

    private final Passes passes = new Passes();

    /**
     * Its passes over the loops' rings, for the JUnit extension's flush: once a pass begun after the flush was
     * called has ended, every call made before it is reported.
     */
    public Passes passes() {
        return passes;
    }

    public boolean running() {
        return running;
    }


    @Override
    public void run() {
        int failed = 0;
        while (running) {
            boolean quiet = false;
            try {
                passes.begin();
                quiet = drainAll() == 0 && nothingCredited();
                passes.end();
                failed = 0;
            } catch (Throwable t) {
                Diagnostics.error("blocking-call drain", t);
                if (++failed >= MAX_FAILED_TICKS) {
                    Diagnostics.disabled("blocking-call reports", t);
                    return;
                }
            }
            LockSupport.parkNanos(bound.length == 0 ? IDLE_NANOS : quiet ? QUIET_NANOS : TICK_NANOS);
        }
        drainAll();
    }

    public void stop() {
        running = false;
    }

    /** One pass over every loop's ring; returns how many calls it drained. Package-private for tests. */
    int drainAll() {
        LoopSlot[] live = Loops.live();
        int drained = 0;
        if (live != bound) {
            // A loop that left (shut down) since the last pass: its last calls are drained before its ring is let go.
            java.util.Set<LoopSlot> staying = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            staying.addAll(Arrays.asList(live));
            long leftAt = System.nanoTime();
            for (LoopSlot slot : bound) {
                Credit[] credits = pending.get(Blocking.ringOf(slot));
                if (!staying.contains(slot) && credits != null) {
                    drained += drain(slot, credits, leftAt);
                    for (Credit credit : credits) {
                        if (credit.count > 0 && credit.last != null) {
                            flush(credit);
                        }
                    }
                }
            }
            Map<BlockingRing, Credit[]> keep = new IdentityHashMap<>();
            for (LoopSlot slot : live) {
                BlockingRing ring = Blocking.ringOf(slot);
                Credit[] credits = pending.get(ring);
                if (credits == null) {
                    credits = new Credit[BlockingRing.MAX_CALLS];
                    for (int i = 0; i < credits.length; i++) {
                        credits[i] = new Credit();
                    }
                }
                keep.put(ring, credits);
            }
            pending.clear();
            pending.putAll(keep);
            bound = live;
        }
        long now = System.nanoTime();
        for (LoopSlot slot : bound) {
            drained += drain(slot, pending.get(Blocking.ringOf(slot)), now);
        }
        return drained;
    }

    /**
     * What {@link #drain(LoopSlot, Credit[], long)} does with each call a ring recorded: one object, set up for each
     * ring in turn (drain thread only), where a lambda would be allocated per ring and drain and, made at the first
     * drain, cost the start a generated class.
     */
    private final class RecordedCalls implements BlockingRing.Consumer {
        private String thread;
        private boolean canary;
        private Credit[] credits;
        private long now;

        RecordedCalls of(String thread, boolean canary, Credit[] credits, long now) {
            this.thread = thread;
            this.canary = canary;
            this.credits = credits;
            this.now = now;
            return this;
        }

        @Override
        public void accept(int call, long start, long end, Throwable stack, Object handler) {
            if (canary) {
                return;
            }
            BlockingCalls.SEEN.incrementAndGet();
            Credit credit = credits[call];
            if (stack == null) {
                if (credit.count++ == 0) {
                    credit.since = now;
                }
                credit.longest = Math.max(credit.longest, end - start);
                return;
            }
            StackTraceElement[] frames = withoutBridge(stack.getStackTrace());
            if (allowList.allows(frames)) {
                BlockingCalls.ALLOWED.incrementAndGet();
                return;
            }
            long count = credit.count + 1;
            credit.count = 0;
            credit.longest = 0;
            credit.last = report(thread, BlockingCalls.name(call), wallClock(end, now), end - start, frames, handler,
                    count);
        }
    }

    /** Drains one loop's ring: reports, credits, and the calls the ring had no room for (counted, credited). */
    private int drain(LoopSlot slot, Credit[] credits, long now) {
        BlockingRing ring = Blocking.ringOf(slot);
        if (credits == null) {
            return 0;
        }
        boolean canary = ring.isCanary();
        int drained = ring.drain(calls.of(slot.thread().getName(), canary, credits, now));
        for (int call = 0; call < credits.length; call++) {
            Credit credit = credits[call];
            long overflowed = ring.overflow(call) - credit.overflowed;
            if (overflowed > 0 && !canary) {
                // Calls made while the drain fell behind: no details, but every one counted and credited.
                credit.overflowed += overflowed;
                BlockingCalls.SEEN.addAndGet(overflowed);
                if (credit.count == 0) {
                    credit.since = now;
                }
                credit.count += overflowed;
            }
            if (credit.count > 0 && credit.last != null && now - credit.since >= FLUSH_NANOS) {
                flush(credit);
            }
        }
        return drained;
    }

    /** Whether no call waits to be credited to a report (its flush is due within a second, see FLUSH_NANOS). */
    private boolean nothingCredited() {
        for (Credit[] credits : pending.values()) {
            for (Credit credit : credits) {
                if (credit.count > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Calls over the stack budget, when no later call of the same kind came with a stack to carry them: one
     * report at the last site seen for that call on that loop, with their count and the longest's duration.
     */
    private void flush(Credit credit) {
        Report last = credit.last;
        BlockingCalls.REPORTED.incrementAndGet();
        out.accept(new Report(ReportType.BLOCKING_CALL, ids.incrementAndGet(), Instant.now(), last.thread(),
                credit.longest, 0, last.task(), last.culprit(), last.stack(), last.call(), credit.count));
        credit.count = 0;
        credit.longest = 0;
    }

    /** Calls of one kind on one loop not yet in any report. Drain thread only. */
    private static final class Credit {
        /** The ring's overflow of this call already counted. */
        long overflowed;
        long count;
        long since;
        long longest;
        Report last;
    }

    /**
     * Reports one blocking call; also the way in of contended monitors, from the watchdog's thread. {@code ended} is
     * when the call returned: the report's time, so that a call reported late is still attributed to the moment it
     * happened (the JUnit extension's test windows). {@code handler} is the framework handler the
     * loop was dispatching to (a Vert.x route...: the task is named as in a stall report), or null.
     */
    Report report(String thread, String call, Instant ended, long nanos, StackTraceElement[] frames, Object handler,
                  long count) {
        BlockingCalls.REPORTED.incrementAndGet();
        List<StackTraceElement> stack = analyzer.trim(frames);
        Report r = new Report(ReportType.BLOCKING_CALL, ids.incrementAndGet(), ended, thread, nanos, 0,
                analyzer.describeTask(frames, handler, null), analyzer.culprit(frames), stack, call, count);
        out.accept(r);
        return r;
    }

    /** The wall-clock time of {@code nanoTime}, given the {@link System#nanoTime()} read at about now. */
    private static Instant wallClock(long nanoTime, long now) {
        return Instant.now().minusNanos(Math.max(0, now - nanoTime));
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
