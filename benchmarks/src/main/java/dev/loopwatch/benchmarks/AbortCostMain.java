package dev.loopwatch.benchmarks;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Abort-check cost: runs {@link AbortCheckBenchmark} without the agent and with
 * {@code action=abort,abort.include=dev.loopwatch.benchmarks.abortwork.}, in the same run, and prints
 * the time per call of each workload and the ratio (target: at most 1.05; the vectorized map must stay
 * vectorized, which shows as a ratio near 1 rather than the 6-11x a check in its loop costs).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.loopwatch.benchmarks.AbortCostMain}; system
 * properties {@code forks} (2), {@code warmups} (5), {@code iterations} (5), {@code millis} per iteration (1000).
 */
public final class AbortCostMain {
    private static final String[] FORK_ARGS = {"-Xms256m", "-Xmx256m", "-XX:+UseParallelGC"};
    private static final String[] WORKLOADS = {"sum", "map", "parse", "sort"};

    private AbortCostMain() {
    }

    public static void main(String[] args) throws RunnerException {
        String agent = AgentJar.javaagentArg("log=off,action=abort,abort.include=" + AbortCheckBenchmark.INCLUDE);
        Map<String, double[]> base = run(AbortCheckBenchmark.NONE, null);
        Map<String, double[]> checked = run(AbortCheckBenchmark.ABORT, agent);
        // What map costs when it is not vectorized: the checked map must stay near the baseline, far from this.
        Map<String, double[]> scalar = run(AbortCheckBenchmark.NONE, "-XX:-UseSuperWord", "map");
        System.out.println();
        System.out.println(Machine.describe());
        System.out.println("| workload | no agent (ns/op) | abort checks (ns/op) | ratio of means | ratio of best iterations |");
        System.out.println("|---|---|---|---|---|");
        for (String w : WORKLOADS) {
            double[] b = base.get(w);
            double[] c = checked.get(w);
            System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f (best %.1f) | %.1f ± %.1f (best %.1f) | %.3f | %.3f |%n", w,
                    b[0], b[1], b[2], c[0], c[1], c[2], c[0] / b[0], c[2] / b[2]);
        }
        double[] m = scalar.get("map");
        System.out.printf(Locale.ROOT, "map without SuperWord (no agent, -XX:-UseSuperWord): %.1f ± %.1f (best %.1f) ns/op,"
                + " %.2fx the vectorized baseline%n", m[0], m[1], m[2], m[2] / base.get("map")[2]);
    }

    private static Map<String, double[]> run(String mode, String javaagent) throws RunnerException {
        return run(mode, javaagent, String.join("|", WORKLOADS));
    }

    private static Map<String, double[]> run(String mode, String extraJvmArg, String workloads) throws RunnerException {
        String javaagent = extraJvmArg;
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(AbortCheckBenchmark.class.getName() + "\\.(" + workloads + ")$")
                .param("mode", mode)
                .forks(Integer.getInteger("forks", 2))
                .warmupIterations(Integer.getInteger("warmups", 5))
                .measurementIterations(Integer.getInteger("iterations", 5))
                .warmupTime(TimeValue.milliseconds(Integer.getInteger("millis", 1000)))
                .measurementTime(TimeValue.milliseconds(Integer.getInteger("millis", 1000)))
                .threads(1)
                .shouldFailOnError(true)
                .jvmArgs(FORK_ARGS);
        if (javaagent != null) {
            options.jvmArgsAppend(javaagent);
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            String label = r.getParams().getBenchmark();
            Result<?> primary = r.getPrimaryResult();
            // The best iteration as well as the mean: on a shared machine other processes only ever add time,
            // so the fastest iterations are the least disturbed ones, in both modes alike.
            double best = Double.MAX_VALUE;
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    best = Math.min(best, iteration.getPrimaryResult().getScore());
                }
            }
            scores.put(label.substring(label.lastIndexOf('.') + 1),
                    new double[] {primary.getScore(), primary.getScoreError(), best});
        }
        return scores;
    }
}
