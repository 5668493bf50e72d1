package dev.loopwatch.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Item 1, time added per loop task: runs {@link RunTaskBenchmark} in its four modes one after the other
 * and prints a table against the baseline measured in the same run. Only the fork's -javaagent (and its options:
 * {@code task.histogram=exact} for mode {@code exact}) differs between modes, which JMH annotations cannot express
 * (the agent path is known at run time only).
 *
 * <p>System properties: {@code forks} (3), {@code warmups} (5), {@code iterations} (5), {@code seconds} (1),
 * {@code benchmarks.agent} (see {@link AgentJar}).
 */
public final class TaskCostMain {
    /** The same heap and flags for every fork; set explicitly, or JMH would copy the host's arguments. */
    private static final String[] FORK_ARGS = {"-Xms256m", "-Xmx256m", "-XX:+UseParallelGC"};

    private TaskCostMain() {
    }

    public static void main(String[] args) throws RunnerException {
        String agent = AgentJar.javaagentArg("");
        List<Row> rows = new ArrayList<>();
        rows.add(run(RunTaskBenchmark.NONE, null));
        rows.add(run(RunTaskBenchmark.AGENT, agent));
        rows.add(run(RunTaskBenchmark.LOOP, agent));
        rows.add(run(RunTaskBenchmark.EXACT, AgentJar.javaagentArg("task.histogram=exact")));
        print(rows);
    }

    private static Row run(String mode, String javaagent) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RunTaskBenchmark.class.getName() + ".runTask")
                .param("mode", mode)
                .forks(Integer.getInteger("forks", 3))
                .warmupIterations(Integer.getInteger("warmups", 5))
                .measurementIterations(Integer.getInteger("iterations", 5))
                .warmupTime(TimeValue.seconds(Integer.getInteger("seconds", 1)))
                .measurementTime(TimeValue.seconds(Integer.getInteger("seconds", 1)))
                .threads(1)
                .shouldFailOnError(true) // a failed check in a fork must fail the run, not drop a row
                .jvmArgs(FORK_ARGS);
        if (javaagent != null) {
            options.jvmArgsAppend(javaagent);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result for mode " + mode + ", got " + results.size());
        }
        Result<?> primary = results.iterator().next().getPrimaryResult();
        return new Row(mode, primary.getScore(), primary.getScoreError(), primary.getSampleCount());
    }

    private static void print(List<Row> rows) {
        Row base = rows.get(0);
        System.out.println();
        System.out.println(Machine.describe());
        System.out.println("| fork | ns/task (mean ± 99.9% error) | samples | minus baseline (ns) | ratio to baseline |");
        System.out.println("|---|---|---|---|---|");
        for (Row r : rows) {
            double diffError = Math.sqrt(r.error * r.error + base.error * base.error);
            String diff = r == base ? "—" : String.format(Locale.ROOT, "%+.2f ± %.2f", r.score - base.score, diffError);
            System.out.printf(Locale.ROOT, "| %s | %.3f ± %.3f | %d | %s | %.2f |%n", describe(r.mode), r.score,
                    r.error, r.samples, diff, r.score / base.score);
        }
    }

    private static String describe(String mode) {
        switch (mode) {
            case RunTaskBenchmark.NONE: return "(a) no agent";
            case RunTaskBenchmark.AGENT: return "(b) agent, thread not a loop";
            case RunTaskBenchmark.LOOP: return "(c) agent, thread is a loop";
            default: return "(d) as (c), task.histogram=exact";
        }
    }

    private static final class Row {
        final String mode;
        final double score;
        final double error;
        final long samples;

        Row(String mode, double score, double error, long samples) {
            this.mode = mode;
            this.score = score;
            this.error = error;
            this.samples = samples;
        }
    }
}
