package dev.loopwatch.benchmarks;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.blocking.BlockingCalls;
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
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cost of an instrumented blocking JDK method (issue 4): {@code LockSupport.parkNanos(0)}, which returns at
 * once without parking (its body is {@code if (nanos > 0) ...}: the JIT folds it to nothing in the baseline),
 * so any time added is the advice's alone. Three kinds of
 * fork, by {@link #mode}: {@code none} (no agent: the baseline), {@code agent} (the advice is in
 * {@code LockSupport.parkNanos}, the thread is no loop: the fast path, budget 5 ns), {@code loop} (the thread is
 * registered as a loop: every call is timed and recorded in the ring; run with {@code -prof gc} to see that
 * the loop thread allocates nothing per call). Each fork checks that it measures what it claims.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.loopwatch.benchmarks.BlockingCallBenchmark}
 * (system properties {@code forks}, {@code iterations}, {@code seconds}, {@code benchmarks.agent}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BlockingCallBenchmark {
    static final String NONE = "none";
    static final String AGENT = "agent";
    static final String LOOP = "loop";

    @Param({NONE, AGENT, LOOP})
    public String mode;

    private Object probe;
    private long countAtStart;
    private long calls;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        if (!mode.equals(NONE)) {
            Probe.awaitParkInstrumented();
        }
        if (mode.equals(LOOP)) {
            probe = Probe.markLoop();
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        calls = 0;
        if (probe != null) {
            countAtStart = Probe.parks(probe);
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (probe != null && Probe.parks(probe) - countAtStart != calls) {
            throw new IllegalStateException("loop ring counted " + (Probe.parks(probe) - countAtStart) + " parks of "
                    + calls + ": LockSupport.parkNanos is not instrumented as measured");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (probe != null) {
            Probe.release(probe);
        }
    }

    /** An instrumented blocking method that does not block: what is measured is the advice. */
    @Benchmark
    public void parkNanosZero() {
        LockSupport.parkNanos(0);
        calls++;
    }

    /** The only class here that links to loopwatch; never loaded in the baseline fork. */
    static final class Probe {
        static final String PARK = "java.util.concurrent.locks.LockSupport.parkNanos";

        private Probe() {
        }

        static void awaitParkInstrumented() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            LoopWatch engine;
            while ((engine = LoopWatch.current()) == null || !engine.status().instrumented()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("loopwatch did not finish instrumenting (was -javaagent given?)");
                }
                Thread.sleep(10);
            }
            Map<String, List<String>> applied = engine.status().instrumentations();
            if (!applied.getOrDefault("jdk-blocking", List.of()).contains("java.util.concurrent.locks.LockSupport")) {
                throw new IllegalStateException("LockSupport is not instrumented: " + applied);
            }
        }

        static Object markLoop() {
            return AgentProbe.adoptCurrentThread();
        }

        static long parks(Object slot) {
            BlockingRing ring = Blocking.ringOf((LoopSlot) slot);
            for (int id = 0; id < BlockingRing.MAX_CALLS; id++) {
                if (BlockingCalls.name(id).equals(PARK)) {
                    return ring.count(id);
                }
            }
            throw new IllegalStateException("no call id for " + PARK);
        }

        static void release(Object slot) {
            AgentProbe.release(slot);
        }
    }

    /** Runs the three forks, {@code -prof gc} on each, and prints ns/call and bytes/call against the baseline. */
    public static void main(String[] args) throws RunnerException {
        String agent = AgentJar.javaagentArg("");
        double base = 0;
        System.out.println(Machine.describe());
        System.out.println("| fork | ns/call (± 99.9%) | added ns | B/op allocated on the calling thread |");
        System.out.println("|---|---|---|---|");
        for (String m : new String[] {NONE, AGENT, LOOP}) {
            ChainedOptionsBuilder o = new OptionsBuilder()
                    .include(BlockingCallBenchmark.class.getName() + ".parkNanosZero")
                    .param("mode", m)
                    .forks(Integer.getInteger("forks", 2))
                    .warmupIterations(Integer.getInteger("warmups", 5))
                    .measurementIterations(Integer.getInteger("iterations", 5))
                    .warmupTime(TimeValue.seconds(Integer.getInteger("seconds", 1)))
                    .measurementTime(TimeValue.seconds(Integer.getInteger("seconds", 1)))
                    .addProfiler(GCProfiler.class)
                    .shouldFailOnError(true)
                    .jvmArgs("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
            if (!m.equals(NONE)) {
                o.jvmArgsAppend(agent);
            }
            RunResult r = new Runner(o.build()).run().iterator().next();
            double score = r.getPrimaryResult().getScore();
            if (m.equals(NONE)) {
                base = score;
            }
            double alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm") == null ? Double.NaN
                    : r.getSecondaryResults().get("·gc.alloc.rate.norm").getScore();
            if (Double.isNaN(alloc) && r.getSecondaryResults().get("gc.alloc.rate.norm") != null) {
                alloc = r.getSecondaryResults().get("gc.alloc.rate.norm").getScore();
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f ± %.2f | %s | %.4f |%n", m, score,
                    r.getPrimaryResult().getScoreError(), m.equals(NONE) ? "—" : String.format(Locale.ROOT, "%+.2f", score - base),
                    alloc);
        }
    }
}
