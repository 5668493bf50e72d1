package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.blocking.MonitorContention;
import dev.loopwatch.core.config.Action;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The single thread that does all the timing: every tick it reads each loop's task counter. A counter
 * that turned odd since the last tick means a task started in between (its start is taken as the middle
 * of that interval, so the error is at most half a tick); one that stays odd past the threshold is a
 * stall, reported at once with a stack sample; the tick at which it moves again gives the total. What a
 * stall triggers besides its reports ({@code action=}) is the {@link StallAction}'s.
 */
final class Watchdog implements Runnable {
    /** How long to sleep while no loop is registered; a registering loop wakes the watchdog anyway. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The longest sleep while every loop is idle (see {@link #pace}). */
    static final long MAX_QUIET_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** Ticks between checks for loop threads that died without leaving run(). */
    private static final int REAP_EVERY = 1024;
    /** Consecutive failed ticks after which the watchdog gives up (it must never spin on its own bug). */
    private static final int MAX_FAILED_TICKS = 100;

    private volatile long thresholdNanos;
    private final long tickNanos;
    private final StackAnalyzer analyzer;
    /** Makes the stall reports: each stall's first report, its samples and its end. */
    private final StallReports reports;
    private final StallAction action;
    private final AtomicLong unobserved = new AtomicLong();
    private volatile boolean running = true;
    private final Passes tickPasses = new Passes();
    private volatile Thread thread;
    /** The start (nanoTime) of the oldest task that runs and is not yet a stall; MAX_VALUE when none. */
    private volatile long oldestPendingStart = Long.MAX_VALUE;

    /** Contended monitors, looked for at each tick; null when blocking calls are not reported. */
    private volatile MonitorContention monitors;
    private LoopSlot[] slots = new LoopSlot[0];
    private Watch[] watches = new Watch[0];
    private long ticks;
    /** Whether a scan ran, and when the last one began: a loop registered since then is seen from its registration. */
    private boolean scanned;
    private long lastScan;
    /** Whether no loop's counter moved at the last scan and none is in a task. */
    private boolean allQuiet;
    /** Whether the loops stamp their tasks' starts, because the watchdog sleeps long (see {@link #pace}). */
    private boolean quietPace;
    /** Every loop group's tasks, counted and timed (by the watchdog, or with task.histogram=exact by the loops). */
    private volatile TaskTimes tasks = new TaskTimes(false);
    /** The loop-lag probes ({@code lag=}), or null when off. */
    private volatile LoopLag lag;
    /** The JVM's safepoint and GC time at the previous scan: a task first seen now began after it. */
    private long pauseAtLastScan;
    private long gcAtLastScan;

    Watchdog(long thresholdNanos, long tickNanos, StackAnalyzer analyzer, Consumer<Report> out) {
        this(thresholdNanos, tickNanos, analyzer, out, Action.LOG);
    }

    Watchdog(long thresholdNanos, long tickNanos, StackAnalyzer analyzer, Consumer<Report> out, Action action) {
        this(thresholdNanos, tickNanos, analyzer, out, action, 5_000_000L);
    }

    Watchdog(long thresholdNanos, long tickNanos, StackAnalyzer analyzer, Consumer<Report> out, Action action,
             long sliceNanos) {
        this.action = StallAction.of(action, this, sliceNanos);
        this.thresholdNanos = thresholdNanos;
        this.tickNanos = tickNanos;
        this.analyzer = analyzer;
        this.reports = new StallReports(analyzer, out, this.action);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Loops.watcher(thread);
        reports.counters(JvmCounters.open());
        reports.warmUp(thread, thresholdNanos);
        int failedTicks = 0;
        while (running) {
            try {
                tickPasses.begin();
                scan(System.nanoTime());
                pace();
                tickPasses.end();
                failedTicks = 0;
            } catch (Throwable t) {
                Diagnostics.error("watchdog", t);
                if (++failedTicks >= MAX_FAILED_TICKS) {
                    Diagnostics.disabled("the watchdog", t);
                    return;
                }
            }
            LockSupport.parkNanos(slots.length == 0 ? IDLE_PARK_NANOS : quietPace ? quietParkNanos() : tickNanos);
        }
    }

    void stop() {
        running = false;
    }

    /** Also looks for loops waiting to enter a monitor at each tick, reporting them through {@code monitors}. */
    void monitors(MonitorContention monitors) {
        this.monitors = monitors;
    }

    /** Measures each loop's lag with a probe task every {@code intervalNanos} (see {@link LoopLag}). */
    void lag(long intervalNanos) {
        lag = new LoopLag(intervalNanos);
    }

    /**
     * Takes each task's time from its loop ({@code task.histogram=exact}, see {@link TaskTimes}); before the watchdog
     * runs. The loops time their tasks once {@code Loops.enableTaskDurations()} was called.
     */
    void exactTaskTimes() {
        tasks = new TaskTimes(true);
    }

    /** Each loop group's tasks so far. */
    List<GroupTasks> taskSnapshot() {
        return tasks.snapshot();
    }

    /** Each loop's lag so far; empty when not measured. */
    List<Lag> lagSnapshot() {
        LoopLag probes = lag;
        return probes == null ? List.of() : probes.snapshot();
    }

    /** Changes the threshold from the next tick on (the JUnit extension sets each test's own). */
    void thresholdNanos(long nanos) {
        thresholdNanos = nanos;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /** Waits until {@code count} more full ticks have run; false on timeout. */
    boolean awaitTicks(int count, long timeoutNanos) {
        return Await.steps(tickPasses::done, count, thread, () -> running, timeoutNanos);
    }

    Passes ticks() {
        return tickPasses;
    }

    boolean running() {
        return running;
    }


    /**
     * Waits until every task that was running at {@code sinceNanos} has ended or been reported as a stall
     * (it then has crossed the threshold); false on timeout.
     */
    boolean awaitTasksStartedBefore(long sinceNanos, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (oldestPendingStart != Long.MAX_VALUE && oldestPendingStart - sinceNanos <= 0) {
            if (!awaitTicks(1, Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        return true;
    }

    long stalls() {
        return reports.stalls();
    }

    /** Tasks that may have run past the threshold while the watchdog itself got no CPU: not reported. */
    long unobserved() {
        return unobserved.get();
    }

    /** One tick: look at every loop. Package-private so tests can drive it with their own clock. */
    void scan(long now) {
        long pause = reports.pauseNanos();
        long gc = reports.gcNanos();
        LoopSlot[] live = Loops.live();
        if (live != slots) {
            rebind(live, now);
        }
        long oldestPending = Long.MAX_VALUE;
        boolean quiet = true;
        for (int i = 0; i < slots.length; i++) {
            Watch w = watches[i];
            long seen = w.seq;
            check(slots[i], w, now);
            quiet &= w.seq == seen && (seen & 1L) == 0 && w.stallId == 0;
            if ((w.seq & 1L) != 0 && w.stallId == 0 && w.start - oldestPending < 0) {
                oldestPending = w.start;
            }
        }
        reports.takeStacks();
        action.scanned(watches);
        LoopLag probes = lag;
        if (probes != null) {
            probes.tick(slots, now);
        }
        allQuiet = quiet && slots.length > 0; // with no loop there is nothing to stamp (it sleeps IDLE_PARK_NANOS)
        oldestPendingStart = oldestPending;
        scanned = true;
        lastScan = now;
        pauseAtLastScan = pause;
        gcAtLastScan = gc;
        if (++ticks % REAP_EVERY == 0) {
            for (LoopSlot slot : slots) {
                // Not isAlive(): a scheduler thread is registered when made, before it starts.
                if (slot.thread().getState() == Thread.State.TERMINATED) {
                    Loops.unregister(slot);
                }
            }
        }
    }

    private void rebind(LoopSlot[] live, long now) {
        Map<LoopSlot, Watch> old = new IdentityHashMap<>();
        for (int i = 0; i < slots.length; i++) {
            old.put(slots[i], watches[i]);
        }
        Watch[] next = new Watch[live.length];
        for (int i = 0; i < live.length; i++) {
            Watch w = old.remove(live[i]);
            if (w == null) {
                w = new Watch();
                w.lastSeen = now;
                long registered = live[i].registeredAt();
                if (scanned && live[i].adoptedSeq() == 0 && registered - lastScan >= 0 && now - registered >= 0) {
                    // Registered since the last scan, with its counter at 0 then: the tasks it ran before this first
                    // look are counted like those between two ticks.
                    w.seq = 0;
                    w.lastSeen = registered;
                }
            }
            next[i] = w;
        }
        // A loop that left run() (shutdown, or a Netty 4.2 loop suspending) right after a stall: its task
        // is over, so its stall ends now rather than never. Its last tasks since the last tick are counted as
        // they would be at a tick: ended, and unobserved if they may have crossed the threshold unseen.
        MonitorContention m = monitors;
        for (Map.Entry<LoopSlot, Watch> left : old.entrySet()) {
            LoopSlot slot = left.getKey();
            Watch w = left.getValue();
            long missed = 0;
            if (w.seq >= 0) {
                long seq = slot.seq();
                countEnded(slot, w, seq, now);
                missed = possiblyMissed(w, seq, now);
            }
            if (missed > 0) {
                unobserved(slot, missed);
            }
            tasks.left(slot, w);
            if (m != null) {
                m.forget(slot, w.monitorWait, now);
            }
            action.taskEnded(slot, w);
            if (w.stallId != 0) {
                reports.end(slot, w, w.lastSeen + (now - w.lastSeen) / 2, thresholdNanos);
            }
        }
        slots = live;
        watches = next;
    }

    private void check(LoopSlot slot, Watch w, long now) {
        MonitorContention m = monitors;
        if (m != null) {
            m.check(slot, w.monitorWait, w.lastSeen, now);
        }
        long seq = slot.seq();
        if (seq != w.seq) {
            if (w.seq >= 0) {
                countEnded(slot, w, seq, now);
            }
            long missed = possiblyMissed(w, seq, now); // before the stall's end, which forgets it was one
            if (w.stallId != 0) {
                reports.end(slot, w, w.lastSeen + (now - w.lastSeen) / 2, thresholdNanos);
            }
            if (missed > 0) {
                unobserved(slot, missed);
            }
            action.taskEnded(slot, w);
            w.seq = seq;
            if ((seq & 1L) != 0) {
                w.pauseAtStart = pauseAtLastScan;
                w.gcAtStart = gcAtLastScan;
                long stamped = quietPace ? slot.stampedStart(seq) : Long.MIN_VALUE;
                if (stamped != Long.MIN_VALUE && stamped - w.lastSeen >= 0 && now - stamped >= 0) {
                    w.start = stamped; // the loop stamped it: the watchdog was sleeping long
                    w.earliestStart = stamped;
                } else {
                    w.start = startEstimate(w.lastSeen, now);
                    w.earliestStart = w.lastSeen;
                }
            }
        } else if ((seq & 1L) != 0 && seq == slot.adoptedSeq() && !DispatchPoint.inTask(slot.thread().getStackTrace())) {
            // The task the loop was adopted in ended, and no task began since (that would have ended it): no advice
            // saw it begin, so none sees it end. Its end is seen at the next tick.
            slot.closeAdopted(seq);
        } else {
            if ((seq & 1L) != 0) {
                action.running(slot, w, seq, now);
            }
            if ((seq & 1L) != 0 && w.stallId == 0 && now - w.start >= thresholdNanos) {
                reports.stall(slot, w, seq, now, thresholdNanos, sampleInterval());
            } else if (w.stallId != 0) {
                action.stallGoesOn(slot, w, seq, now);
                reports.sample(slot, w, seq, now);
            }
        }
        w.lastSeen = now;
    }

    /** Counts the tasks that ended since the last tick; the one seen running then is timed from its start estimate. */
    private void countEnded(LoopSlot slot, Watch w, long seq, long now) {
        boolean seenRunning = (w.seq & 1L) != 0;
        tasks.ended(slot, w, (seq >> 1) - (w.seq >> 1), seenRunning ? w.lastSeen + (now - w.lastSeen) / 2 - w.start : -1);
    }

    /**
     * Time between a stall's stack samples at first: a quarter of the threshold, at least a tick. A stall that ends
     * within twice the threshold costs a few samples; a long one is profiled finely enough to tell its places apart.
     */
    private long sampleInterval() {
        return Math.max(tickNanos, thresholdNanos / 4);
    }

    /**
     * The watchdog's pace, after each scan. It reads the counters every tick (1 ms) because a task's start is
     * known only to within a tick; but an idle service would pay that forever (about 3 % of a core on a 2-vCPU
     * VM: each wake-up costs the kernel more than the scan). So once a whole tick passed with every loop idle
     * and no counter moving, it asks the loops to stamp their tasks' starts themselves (one nanoTime per task
     * start, in idle periods only) and sleeps up to a quarter of the threshold ({@link #quietParkNanos}): a
     * task that starts meanwhile is seen with its exact start well before the threshold, and reported on
     * time. The first scan that sees a counter move brings back the tick and switches the stamps off, so a busy
     * loop never stamps. A task that starts in the instant the stamps are switched on may go unstamped; it is
     * then taken to have started just before it was seen (reported late by at most that sleep, never early).
     */
    void pace() {
        if (allQuiet == quietPace) {
            return;
        }
        stampStarts(allQuiet);
        if (allQuiet) {
            java.lang.invoke.VarHandle.fullFence(); // the stamps' flags are out before the counters are read again
            for (int i = 0; i < slots.length; i++) {
                if (slots[i].seq() != watches[i].seq) { // a task began as the stamps went on: keep the tick
                    stampStarts(false);
                    return;
                }
            }
        }
        quietPace = allQuiet;
    }

    private void stampStarts(boolean on) {
        LoopSlot.stamping(on);
        for (LoopSlot slot : slots) {
            slot.stampStarts(on);
        }
    }

    /** The sleep while every loop is idle: a quarter of the threshold, at most {@link #MAX_QUIET_PARK_NANOS}. */
    long quietParkNanos() {
        return Math.max(tickNanos, Math.min(thresholdNanos / 4, MAX_QUIET_PARK_NANOS));
    }

    /** Whether the watchdog sleeps long now (every loop idle; they stamp their tasks' starts). */
    boolean quietPace() {
        return quietPace;
    }

    /**
     * How many tasks may have crossed the threshold unseen, now that the counter moved from {@code w.seq} to
     * {@code seq}. The task seen running, unless it was reported (a stall): if it may have lasted the threshold
     * plus two ticks (from the tick before it was first seen to now); with ticks on time it would then have been seen
     * past the threshold, so this takes a gap in the watchdog's ticks at its start (where the start estimate
     * is kept late on purpose, see {@link #startEstimate}) or at its end. And of the whole tasks (start and
     * end) that fell between the two ticks, as many as the gap has room for tasks of the threshold's length.
     * (-1 is a loop not seen before.)
     */
    private long possiblyMissed(Watch w, long seq, long now) {
        if (w.seq < 0) {
            return 0;
        }
        boolean seenRunning = (w.seq & 1L) != 0;
        long missed = seenRunning && w.stallId == 0 && now - w.earliestStart >= thresholdNanos + 2 * tickNanos ? 1 : 0;
        long wholeTasks = (seq - w.seq - (seenRunning ? 1 : 0)) / 2;
        return missed + Math.min(wholeTasks, (now - w.lastSeen) / thresholdNanos);
    }

    /**
     * A task may have crossed the threshold while the watchdog did not get a CPU (an overloaded machine, or
     * loops at a higher real-time priority than the watchdog). It cannot be reported (no stack, no length);
     * it is counted, and said once, so that a quiet log is not taken for a healthy one.
     */
    private void unobserved(LoopSlot slot, long tasks) {
        unobserved.addAndGet(tasks);
        Diagnostics.once("watchdog-late", "loopwatch: the watchdog's ticks came late (its thread got no CPU in time),"
                + " so a task on " + slot.thread().getName() + " may have run past the threshold unreported."
                + " Status.unobserved counts such tasks; if it grows, the machine is overloaded or the watchdog runs"
                + " at a lower priority than the loops (e.g. a real-time scheduling policy)");
    }

    /**
     * When a task first seen running at {@code now} began: somewhere after {@code lastSeen}. Normally the
     * two are a tick apart and the middle is within half a tick of the truth. After a longer gap (the
     * watchdog was descheduled, or busy sampling) the middle could be far too early and a task would be
     * reported before it crossed the threshold; so the estimate is never more than half a tick before
     * {@code now}: a late report rather than a false one.
     */
    long startEstimate(long lastSeen, long now) {
        return now - Math.min((now - lastSeen) / 2, tickNanos / 2);
    }

    /** The watched loops' watches, in the order of the slots of the last tick. */
    Watch[] watches() {
        return watches;
    }

    /** Hands a report the action made itself to the sinks. */
    void emit(Report report) {
        reports.emit(report);
    }

    StackAnalyzer analyzer() {
        return analyzer;
    }

    /** Reports {@code type} about loop {@code slot}'s stall {@code w}; the action's reports come through here too. */
    void emit(ReportType type, LoopSlot slot, Watch w, long elapsedNanos) {
        reports.emit(type, slot, w, elapsedNanos, thresholdNanos, null);
    }
}
