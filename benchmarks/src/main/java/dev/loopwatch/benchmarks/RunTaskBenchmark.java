package dev.loopwatch.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Time of one task through Netty's real {@code AbstractEventExecutor.runTask(Runnable)}. The same code runs
 * in three kinds of fork, chosen by {@link #mode} (and by {@link TaskCostMain}, which adds -javaagent):
 * <ul>
 *   <li>{@code none}: no agent, the baseline;</li>
 *   <li>{@code agent}: the agent instruments runTask, the thread is no loop (advice finds no slot);</li>
 *   <li>{@code loop}: the agent, and this thread registered as a loop (advice moves its counter);</li>
 *   <li>{@code exact}: as {@code loop}, under {@code task.histogram=exact} (the loop also times each task into its
 *       histogram).</li>
 * </ul>
 * Every fork checks it measures what it claims: no loopwatch in the baseline, runTask instrumented in the
 * others, in {@code loop} and {@code exact} a counter that moved by exactly two per task in every iteration, and in
 * {@code exact} a histogram that got exactly one duration per task (and none in {@code loop}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RunTaskBenchmark {
    static final String NONE = "none";
    static final String AGENT = "agent";
    static final String LOOP = "loop";
    static final String EXACT = "exact";

    @Param({NONE, AGENT, LOOP, EXACT})
    public String mode;

    private final CountingTask task = new CountingTask();
    /** The loop slot in mode {@code loop}; typed Object so the baseline never links to loopwatch. */
    private Object slot;
    private long seqAtIterationStart;
    private long runsAtIterationStart;
    private long timedAtIterationStart;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        switch (mode) {
            case NONE:
                if (loopwatchPresent()) {
                    throw new IllegalStateException("baseline fork runs with loopwatch: the comparison would be void");
                }
                break;
            case AGENT:
                AgentProbe.awaitNettyInstrumented(60, TimeUnit.SECONDS);
                break;
            case LOOP:
            case EXACT:
                AgentProbe.awaitNettyInstrumented(60, TimeUnit.SECONDS);
                slot = AgentProbe.adoptCurrentThread(); // @Setup of a Scope.Thread state runs on the benchmark thread
                if (AgentProbe.timesTasks(slot) != mode.equals(EXACT)) {
                    throw new IllegalStateException("mode " + mode + " but the loop " + (mode.equals(EXACT)
                            ? "has no histogram: was the agent given task.histogram=exact?" : "times its tasks"));
                }
                break;
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        runsAtIterationStart = task.runs;
        if (slot != null) {
            seqAtIterationStart = AgentProbe.seq(slot);
            timedAtIterationStart = AgentProbe.timed(slot);
        }
    }

    @TearDown(Level.Iteration)
    public void checkCounterMoved() {
        if (slot == null) {
            return;
        }
        long tasks = task.runs - runsAtIterationStart;
        long moved = AgentProbe.seq(slot) - seqAtIterationStart;
        if (tasks == 0 || moved != 2 * tasks) {
            throw new IllegalStateException("loop counter moved by " + moved + " over " + tasks
                    + " tasks (expected " + 2 * tasks + "): runTask is not instrumented as measured");
        }
        long timed = AgentProbe.timed(slot) - timedAtIterationStart;
        if (timed != (mode.equals(EXACT) ? tasks : 0)) {
            throw new IllegalStateException("the loop's histogram got " + timed + " durations over " + tasks
                    + " tasks in mode " + mode);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (slot != null) {
            AgentProbe.release(slot);
        }
    }

    @Benchmark
    public void runTask() {
        NettyTasks.run(task);
    }

    private static boolean loopwatchPresent() {
        try {
            Class.forName("dev.loopwatch.core.LoopWatch", false, RunTaskBenchmark.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
