package dev.loopwatch.benchmarks;

import dev.loopwatch.TaskTimeoutException;
import dev.loopwatch.benchmarks.abortwork.Spin;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Time from the threshold to the {@code TaskTimeoutException} reaching the task's own handler, on a real
 * Netty 4.2 NIO loop: each task spins for ever in an {@code abort.include} class and catches the exception;
 * its lateness is (catch time - task start - threshold). Run it under the agent:
 *
 * <pre>java -javaagent:agent/target/loopwatch-agent.jar=threshold=20ms,log=off,action=abort,abort.include=dev.loopwatch.benchmarks.abortwork. \
 *     -cp benchmarks/target/benchmarks.jar dev.loopwatch.benchmarks.AbortLatencyMain [tasks]</pre>
 *
 * The task start is taken inside the task, a little after the loop's own start, so the figure slightly
 * overstates nothing and understates by at most the few microseconds of the dispatch. The first 20 tasks
 * (JIT warm-up) are left out of the figures.
 */
public final class AbortLatencyMain {
    private static final int WARMUP = 20;

    private AbortLatencyMain() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 220;
        dev.loopwatch.core.LoopWatch engine = dev.loopwatch.core.LoopWatch.current();
        if (engine == null || engine.config().action() != dev.loopwatch.core.config.Action.ABORT) {
            throw new IllegalStateException("run under -javaagent:...loopwatch-agent.jar=action=abort,abort.include="
                    + AbortCheckBenchmark.INCLUDE);
        }
        long thresholdNanos = engine.config().thresholdNanos();
        // The watchdog's side: how late after the threshold it asked (the rest is the loop thread's).
        java.util.List<Double> askedLateMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.addSink(report -> {
            if (report.type() == dev.loopwatch.core.report.ReportType.ABORT) {
                askedLateMs.add((report.elapsedNanos() - thresholdNanos) / 1e6);
            }
        });
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        double[] lateMs = new double[tasks];
        try {
            group.submit(() -> { }).sync(); // the loop thread starts and is registered
            AbortProbe.awaitInstrumented(Spin.class.getName(), 60, TimeUnit.SECONDS);
            for (int i = 0; i < tasks; i++) {
                CountDownLatch done = new CountDownLatch(1);
                int at = i;
                group.execute(() -> {
                    long start = System.nanoTime();
                    try {
                        Spin.forever();
                    } catch (TaskTimeoutException e) {
                        lateMs[at] = (System.nanoTime() - start - thresholdNanos) / 1e6;
                    }
                    done.countDown();
                });
                if (!done.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("task " + i + " was not aborted within 10 s");
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        double[] measured = Arrays.copyOfRange(lateMs, Math.min(WARMUP, tasks - 1), tasks);
        Arrays.sort(measured);
        System.out.println(Machine.describe());
        System.out.printf(Locale.ROOT, "abort latency after the %.0f ms threshold, %d tasks: p50 %.2f ms, p90 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms%n", thresholdNanos / 1e6, measured.length, pct(measured, 0.50),
                pct(measured, 0.90), pct(measured, 0.99), measured[measured.length - 1]);
        Thread.sleep(200); // the reporter thread delivers asynchronously
        double[] asked = askedLateMs.stream().skip(Math.min(WARMUP, askedLateMs.size())).mapToDouble(Double::doubleValue)
                .sorted().toArray();
        if (asked.length > 0) {
            System.out.printf(Locale.ROOT, "  of which the watchdog asking after the threshold: p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms%n", pct(asked, 0.50), pct(asked, 0.99), asked[asked.length - 1]);
        }
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
