package dev.loopwatch.benchmarks;

import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.LoopWatch;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the JUnit extension pays per test to settle the loops ({@link LoopWatch#flush}): a watchdog tick and a
 * drain pass begun after the call, the tasks in flight, the reports delivered. One idle, watched Netty 4.2 NIO
 * loop. Needs the agent: {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main FlushBenchmark
 * -jvmArgsAppend -javaagent:agent/target/loopwatch-agent.jar} (any agent jar: compare two builds in one run by
 * giving each its own {@code -jvmArgsAppend}). A flush that times out fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class FlushBenchmark {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private MultiThreadIoEventLoopGroup group;
    private LoopWatch engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        AgentProbe.awaitNettyInstrumented(60, TimeUnit.SECONDS);
        engine = LoopWatch.current();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        group.submit(() -> { }).get(10, TimeUnit.SECONDS);
        if (Loops.live().length == 0) {
            throw new IllegalStateException("the Netty loop is not watched: the flush would have nothing to settle");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Benchmark
    public void flush() {
        if (!engine.flush(TIMEOUT)) {
            throw new IllegalStateException("flush timed out: " + engine.status());
        }
    }
}
