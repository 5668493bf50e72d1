package dev.loopwatch.benchmarks;

import dev.loopwatch.benchmarks.abortwork.LoopWork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the abort checks ({@code action=abort}) on loop-heavy code: the same {@link LoopWork} bytecode in
 * forks without the agent ({@code mode=none}) and with it ({@code mode=abort}, which instruments
 * {@code dev.loopwatch.benchmarks.abortwork.}). {@link AbortCostMain} runs both and prints the ratios;
 * every agent fork first proves that {@code LoopWork} was instrumented.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AbortCheckBenchmark {
    static final String NONE = "none";
    static final String ABORT = "abort";
    static final String INCLUDE = "dev.loopwatch.benchmarks.abortwork.";

    @Param({NONE, ABORT})
    public String mode;

    @Param({"4096"})
    public int size;

    private int[] numbers;
    private int[] out;
    private int[] unsorted;
    private int[] work;
    private byte[] text;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        Random random = new Random(42);
        numbers = new int[size];
        out = new int[size];
        unsorted = new int[size];
        work = new int[size];
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < size; i++) {
            numbers[i] = random.nextInt(1000);
            unsorted[i] = random.nextInt();
            csv.append(random.nextInt(2_000_000) - 1_000_000).append(i % 3 == 0 ? ", " : ",");
        }
        text = csv.toString().getBytes(StandardCharsets.US_ASCII);
        LoopWork.sum(numbers); // loads LoopWork before the check below
        if (mode.equals(ABORT)) {
            AbortProbe.awaitInstrumented(LoopWork.class.getName(), 60, TimeUnit.SECONDS);
        } else if (AbortProbe.loopwatchPresent()) {
            throw new IllegalStateException("baseline fork runs with loopwatch: the comparison would be void");
        }
    }

    @Benchmark
    public long sum() {
        return LoopWork.sum(numbers);
    }

    @Benchmark
    public int[] map() {
        LoopWork.map(numbers, out);
        return out;
    }

    @Benchmark
    public long parse() {
        return LoopWork.parse(text);
    }

    @Benchmark
    public int[] sort() {
        System.arraycopy(unsorted, 0, work, 0, size);
        LoopWork.sort(work, 0, size);
        return work;
    }
}
