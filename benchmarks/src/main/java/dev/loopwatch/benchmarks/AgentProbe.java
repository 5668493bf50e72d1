package dev.loopwatch.benchmarks;

import dev.loopwatch.bridge.DurationHistogram;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.Status;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checks, inside a measured JVM, that the agent really instrumented Netty, so that no measurement can
 * silently run uninstrumented code. The only class of the task-cost benchmark that links to loopwatch:
 * the baseline forks (no agent, loopwatch not on the class path) never load it.
 */
final class AgentProbe {
    static final String LINE = "netty-4.2";
    static final String TASK_TYPE = "io.netty.util.concurrent.AbstractEventExecutor";

    private AgentProbe() {
    }

    /**
     * Waits until the agent reports itself installed (it is, once {@code premain} returned) and throws unless the
     * Netty 4.2 line instrumented {@code AbstractEventExecutor}. The type must be loaded first: the agent
     * transforms classes as they load, so {@code NettyTasks} is touched before waiting.
     */
    static Status awaitNettyInstrumented(long timeout, TimeUnit unit) throws InterruptedException {
        NettyTasks.run(() -> { }); // loads AbstractEventExecutor before the check
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        LoopWatch engine;
        while ((engine = LoopWatch.current()) == null || !engine.status().instrumented()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("loopwatch did not finish instrumenting within " + timeout + " " + unit
                        + (engine == null ? " (no engine: was -javaagent given?)" : ": " + engine.status()));
            }
            Thread.sleep(10);
        }
        Status status = engine.status();
        List<String> types = status.instrumentations().get(LINE);
        if (types == null || !types.contains(TASK_TYPE)) {
            throw new IllegalStateException("the " + LINE + " instrumentation did not apply to " + TASK_TYPE
                    + ": " + status);
        }
        return status;
    }

    /**
     * Registers the current thread as a watched loop and returns its slot (whose counter the advice moves),
     * typed Object so that callers' fields never name a loopwatch type.
     */
    static Object adoptCurrentThread() {
        Thread current = Thread.currentThread();
        Loops.adopt(current, null);
        for (LoopSlot slot : Loops.live()) {
            if (slot.thread() == current) {
                return slot;
            }
        }
        throw new IllegalStateException("Loops.adopt did not register " + current.getName());
    }

    /** Unregisters a slot taken with {@link #adoptCurrentThread()}. */
    static void release(Object slot) {
        Loops.unregister((LoopSlot) slot);
    }

    /** Whether the slot's loop times its tasks ({@code task.histogram=exact}). */
    static boolean timesTasks(Object slot) {
        return ((LoopSlot) slot).durations() != null;
    }

    /** How many tasks the slot's loop timed (0 unless {@code task.histogram=exact}). */
    static long timed(Object slot) {
        DurationHistogram durations = ((LoopSlot) slot).durations();
        return durations == null ? 0 : durations.count();
    }

    /** The slot's task counter: it moves by two per task the instrumented runTask ran. */
    static long seq(Object slot) {
        return ((LoopSlot) slot).seq();
    }
}
