package dev.loopwatch.core;

import dev.loopwatch.bridge.Abort;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.Action;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;

import java.time.Instant;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The single thread that does all the timing: every tick it reads each loop's task counter. A counter
 * that turned odd since the last tick means a task started in between (its start is taken as the middle
 * of that interval, so the error is at most half a tick); one that stays odd past the threshold is a
 * stall, reported at once with a stack sample; the tick at which it moves again gives the total.
 */
final class Watchdog implements Runnable {
    /** How long to sleep while no loop is registered; a registering loop wakes the watchdog anyway. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Ticks between checks for loop threads that died without leaving run(). */
    private static final int REAP_EVERY = 1024;
    /** Consecutive failed ticks after which the watchdog gives up (it must never spin on its own bug). */
    private static final int MAX_FAILED_TICKS = 100;
    /**
     * An abort request is taken up once (the check that sees it throws and consumes it); while the same task
     * still runs this long after, it is asked again. The pause lets the task's catch and finally blocks run
     * (they may call checked code too) and still stops one that swallows the exception and carries on.
     */
    static final long REPEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long a stall under action=abort waits for the task to reach a check before its stack is sampled
     * (a task blocked outside checked code never does). Other loops' scans wait as long, once per abort.
     */
    private static final long ABORT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Culprit methods (class and name: a spinning method is sampled on any of its lines) said "not interrupted" once each. */
    private static final int MAX_NOTED_CULPRITS = 4096;

    private volatile long thresholdNanos;
    private final long tickNanos;
    private final StackAnalyzer analyzer;
    private final Consumer<Report> out;
    private final Action action;
    private final Set<String> notInterruptible = new HashSet<>();
    private final AtomicLong stalls = new AtomicLong();
    private volatile boolean running = true;
    private volatile long ticksDone;
    private volatile Thread thread;
    /** The start (nanoTime) of the oldest task that runs and is not yet a stall; MAX_VALUE when none. */
    private volatile long oldestPendingStart = Long.MAX_VALUE;

    private LoopSlot[] slots = new LoopSlot[0];
    private Watch[] watches = new Watch[0];
    private long ticks;

    Watchdog(long thresholdNanos, long tickNanos, StackAnalyzer analyzer, Consumer<Report> out) {
        this(thresholdNanos, tickNanos, analyzer, out, Action.LOG);
    }

    Watchdog(long thresholdNanos, long tickNanos, StackAnalyzer analyzer, Consumer<Report> out, Action action) {
        this.action = action;
        this.thresholdNanos = thresholdNanos;
        this.tickNanos = tickNanos;
        this.analyzer = analyzer;
        this.out = out;
    }

    /** What the watchdog remembers of one loop; touched by the watchdog thread only. */
    private static final class Watch {
        long seq = -1;
        long lastSeen;
        long start;
        long stallId;
        String task;
        StackTraceElement culprit;
        List<StackTraceElement> stack;
        /** The task asked to abort (its odd seq), or 0; and when it was last asked. */
        long abortSeq;
        long abortAt;
        /** When the loop thread was last interrupted during this stall (0: not yet). */
        long interruptAt;
        /** When a stack was last taken to decide on an interrupt: at most one per REPEAT_NANOS. */
        long interruptLookedAt;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Loops.watcher(thread);
        warmUp();
        int failedTicks = 0;
        while (running) {
            try {
                scan(System.nanoTime());
                ticksDone++;
                Await.stepped();
                failedTicks = 0;
            } catch (Throwable t) {
                Diagnostics.error("watchdog", t);
                if (++failedTicks >= MAX_FAILED_TICKS) {
                    Diagnostics.disabled("the watchdog", t);
                    return;
                }
            }
            LockSupport.parkNanos(slots.length == 0 ? IDLE_PARK_NANOS : tickNanos);
        }
    }

    void stop() {
        running = false;
    }

    /**
     * Runs the reporting path once on a stack of the watchdog's own, before any loop can stall: the first
     * stall would otherwise pay for loading and interpreting it (measured: the first reports of a JVM came
     * 20-46 ms late). Nothing is emitted.
     */
    private void warmUp() {
        try {
            for (int i = 0; i < 200; i++) {
                StackTraceElement[] stack = Thread.currentThread().getStackTrace();
                analyzer.describeTask(stack);
                analyzer.entry(stack);
                analyzer.culprit(stack);
                HandlerNames.vertxContext(Thread.currentThread());
                new Report(ReportType.STALL, 0, Instant.now(), thread.getName(), 0, thresholdNanos, "warm-up",
                        null, analyzer.trim(stack)).culpritFrame();
            }
        } catch (RuntimeException e) {
            Diagnostics.error("watchdog warm-up", e);
        }
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
        return Await.steps(() -> ticksDone, count, thread, () -> running, timeoutNanos);
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
        return stalls.get();
    }

    /** One tick: look at every loop. Package-private so tests can drive it with their own clock. */
    void scan(long now) {
        LoopSlot[] live = Loops.live();
        if (live != slots) {
            rebind(live, now);
        }
        long oldestPending = Long.MAX_VALUE;
        int aborting = 0;
        for (int i = 0; i < slots.length; i++) {
            Watch w = watches[i];
            check(slots[i], w, now);
            if ((w.seq & 1L) != 0 && w.stallId == 0 && w.start - oldestPending < 0) {
                oldestPending = w.start;
            }
            if (w.abortSeq != 0) {
                aborting++;
            }
        }
        if (action == Action.ABORT) {
            Abort.pending(aborting);
        }
        oldestPendingStart = oldestPending;
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
            }
            next[i] = w;
        }
        // A loop that left run() (shutdown, or a Netty 4.2 loop suspending) right after a stall: its task
        // is over, so its stall ends now rather than never.
        old.forEach((slot, w) -> {
            if (w.abortSeq != 0) {
                slot.cancelAbort(w.abortSeq);
            }
            if (w.stallId != 0) {
                emit(ReportType.STALL_END, slot, w, w.lastSeen + (now - w.lastSeen) / 2 - w.start);
            }
        });
        slots = live;
        watches = next;
    }

    private void check(LoopSlot slot, Watch w, long now) {
        long seq = slot.seq();
        if (seq != w.seq) {
            if (w.stallId != 0) {
                long end = w.lastSeen + (now - w.lastSeen) / 2;
                emit(ReportType.STALL_END, slot, w, end - w.start);
                w.stallId = 0;
            }
            if (w.abortSeq != 0) {
                slot.cancelAbort(w.abortSeq); // the task ended before a check took the request up
                w.abortSeq = 0;
            }
            w.interruptAt = 0;
            w.interruptLookedAt = 0;
            w.seq = seq;
            if ((seq & 1L) != 0) {
                w.start = startEstimate(w.lastSeen, now);
            }
        } else if ((seq & 1L) != 0 && w.stallId == 0 && now - w.start >= thresholdNanos) {
            stall(slot, w, seq, now);
        } else if (w.stallId != 0 && action != Action.LOG) {
            act(slot, w, seq, now, null);
        }
        w.lastSeen = now;
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

    private void stall(LoopSlot slot, Watch w, long seq, long now) {
        if (action == Action.ABORT) {
            // First, before the stack sample (a handshake with the loop thread, up to a millisecond on a busy
            // machine): the time from threshold to exception is what the service waits for.
            requestAbort(slot, w, seq, now);
        }
        // The handler and Vert.x's current context are read on both sides of the stack sample: the task (one I/O
        // dispatch) may go on after the handler returned, so the one seen before the sample is the one the
        // sample was taken in.
        Object before = slot.handler();
        Object contextBefore = HandlerNames.vertxContext(slot.thread());
        // A running task reaches a check within microseconds and leaves its stack in the slot: wait briefly for
        // that rather than sample it, which would stop the loop thread for the walk on its way to the exception.
        StackTraceElement[] stoppedAt = action == Action.ABORT ? awaitAbortedStack(slot, seq) : null;
        Thread.State state = slot.thread().getState();
        StackTraceElement[] stack = stoppedAt != null ? stoppedAt : slot.thread().getStackTrace();
        Object after = slot.handler();
        Object contextAfter = HandlerNames.vertxContext(slot.thread());
        Object handler = before != null ? before : after;
        Object context = contextBefore != null ? contextBefore : contextAfter;
        boolean sameTask = slot.seq() == seq;
        if (stoppedAt == null && action == Action.ABORT) {
            stoppedAt = slot.takeAbortedStack(seq);
        }
        if (stoppedAt != null) {
            // The check threw before (or while) the stack was taken: the sample may show the exception's
            // handler or the next task; the exception's own stack is where the task was stopped.
            stack = stoppedAt;
            sameTask = true;
        }
        if (action == Action.ABORT) {
            stack = belowAbortCheck(stack);
        }
        w.stallId = stalls.incrementAndGet();
        if (sameTask) {
            // A framework handler the task dispatched to (Vert.x route, event-bus consumer, gRPC call) names it best;
            // else the Vert.x verticle it runs for. Turned into text here, on the watchdog, only now that
            // there is a stall to report.
            StackTraceElement entry = handler == null && context == null ? null : analyzer.entry(stack);
            String named = handler == null ? null : HandlerNames.describe(handler, entry);
            if (named == null && context != null) {
                named = HandlerNames.verticle(context, entry);
            }
            w.task = named != null ? named : analyzer.describeTask(stack);
            w.culprit = analyzer.culprit(stack);
            w.stack = analyzer.trim(stack);
        } else {
            // The task ended while its stack was taken: the sample shows whatever ran next.
            w.task = "unknown task";
            w.culprit = null;
            w.stack = List.of();
        }
        emit(ReportType.STALL, slot, w, now - w.start);
        if (action == Action.ABORT) {
            emit(ReportType.ABORT, slot, w, now - w.start);
        } else if (sameTask && action == Action.INTERRUPT) {
            w.interruptLookedAt = now;
            act(slot, w, seq, now, Interrupts.safeToInterrupt(state, stack) ? stack : null);
            if (w.interruptAt == 0 && w.culprit != null && notInterruptible.size() < MAX_NOTED_CULPRITS
                    && notInterruptible.add(w.culprit.getClassName() + "." + w.culprit.getMethodName())) {
                emit(ReportType.NOT_INTERRUPTED, slot, w, now - w.start);
            }
        }
    }

    /**
     * The action for a stall that goes on (every tick). Abort: ask again every {@link #REPEAT_NANOS} while the
     * same task runs. Interrupt: only while the thread waits where an interrupt is safe; the cheap state
     * test comes first, a stack is taken only when the thread waits. {@code checkedStack} is a stack
     * already found safe in this tick.
     */
    private void act(LoopSlot slot, Watch w, long seq, long now, StackTraceElement[] checkedStack) {
        if (action == Action.ABORT) {
            if (now - w.abortAt >= REPEAT_NANOS) {
                requestAbort(slot, w, seq, now);
            }
            return;
        }
        if (w.interruptAt != 0 && now - w.interruptAt < REPEAT_NANOS) {
            return;
        }
        Thread thread = slot.thread();
        if (checkedStack == null) {
            // A cheap state test every tick; a stack (a handshake with the loop thread) at most every
            // REPEAT_NANOS, so a loop stuck in an uninterruptible wait is not sampled every millisecond.
            if (!Interrupts.isWaiting(thread.getState()) || now - w.interruptLookedAt < REPEAT_NANOS) {
                return;
            }
            w.interruptLookedAt = now;
            if (!Interrupts.safeToInterrupt(thread.getState(), thread.getStackTrace())) {
                return;
            }
        }
        if (!slot.claimInterrupt(seq)) {
            return;
        }
        // The stack is some microseconds old: interrupt only if the thread still waits (a thread in channel
        // I/O is RUNNABLE, and must never be interrupted: the channel would be closed).
        boolean interrupted = false;
        if (Interrupts.isWaiting(thread.getState()) && slot.seq() == seq) {
            thread.interrupt();
            interrupted = true;
        }
        slot.interruptDone(seq, interrupted);
        if (interrupted) {
            boolean first = w.interruptAt == 0;
            w.interruptAt = now;
            if (first) {
                emit(ReportType.INTERRUPT, slot, w, now - w.start);
            }
        }
    }

    /** The stack where a check stopped task {@code seq}, waiting up to {@link #ABORT_WAIT_NANOS}; or null. */
    private static StackTraceElement[] awaitAbortedStack(LoopSlot slot, long seq) {
        long deadline = System.nanoTime() + ABORT_WAIT_NANOS;
        StackTraceElement[] stack;
        while ((stack = slot.takeAbortedStack(seq)) == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
        return stack;
    }

    /**
     * The stack without the abort check's own frames (the check, the exception being built), when the loop
     * thread is inside one: the top frame is then the application code that was stopped.
     */
    static StackTraceElement[] belowAbortCheck(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            if (stack[i].getClassName().equals("dev.loopwatch.bridge.Abort") && stack[i].getMethodName().equals("check")) {
                return i + 1 < stack.length ? java.util.Arrays.copyOfRange(stack, i + 1, stack.length) : stack;
            }
        }
        return stack;
    }

    private void requestAbort(LoopSlot slot, Watch w, long seq, long now) {
        slot.requestAbort(seq, w.start, thresholdNanos);
        w.abortSeq = seq;
        w.abortAt = now;
        Abort.pending(Math.max(1, countAborting()));
    }

    private int countAborting() {
        int n = 0;
        for (Watch watch : watches) {
            if (watch.abortSeq != 0) {
                n++;
            }
        }
        return n;
    }

    private void emit(ReportType type, LoopSlot slot, Watch w, long elapsedNanos) {
        out.accept(new Report(type, w.stallId, Instant.now(), slot.thread().getName(), elapsedNanos, thresholdNanos,
                w.task, w.culprit, w.stack, slot.kind()));
    }
}
