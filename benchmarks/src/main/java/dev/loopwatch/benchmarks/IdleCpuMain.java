package dev.loopwatch.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Item 3, the watchdog's CPU on an idle service. Starts the Netty HTTP server twice, with and without the
 * agent, side by side; each answers one request (so a worker loop runs and is watched), then both sit idle
 * while the driver reads their process CPU time at the start and the end of the window.
 *
 * <p>System properties: {@code seconds} (30, the idle window), {@code settle} (5 s after the first request,
 * so that start-up and JIT work are outside the window).
 */
public final class IdleCpuMain {
    private IdleCpuMain() {
    }

    public static void main(String[] args) throws Exception {
        long window = TimeUnit.SECONDS.toNanos(Integer.getInteger("seconds", 30));
        long settle = TimeUnit.SECONDS.toMillis(Integer.getInteger("settle", 5));
        int plainPort = HttpProbe.freePort();
        int agentPort = HttpProbe.freePort();
        // Both command lines first: a missing agent jar must fail before any server is left running.
        List<String> plainCommand = JavaCommand.of(null, HttpServerMain.class, Integer.toString(plainPort));
        List<String> agentCommand = JavaCommand.of("", HttpServerMain.class, Integer.toString(agentPort));
        Process plain = JavaCommand.start(plainCommand);
        Process agent;
        try {
            agent = JavaCommand.start(agentCommand);
        } catch (java.io.IOException | RuntimeException e) {
            HttpProbe.stop(plain);
            throw e;
        }
        try {
            HttpProbe.awaitAnswer(plainPort, plain, TimeUnit.SECONDS.toNanos(60));
            HttpProbe.awaitAnswer(agentPort, agent, TimeUnit.SECONDS.toNanos(60));
            Thread.sleep(settle);
            long plainCpu0 = cpuNanos(plain);
            long agentCpu0 = cpuNanos(agent);
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(window));
            long plainCpu = cpuNanos(plain) - plainCpu0;
            long agentCpu = cpuNanos(agent) - agentCpu0;
            long wall = System.nanoTime() - t0;
            double plainPct = 100.0 * plainCpu / wall;
            double agentPct = 100.0 * agentCpu / wall;
            System.out.println(Machine.describe() + String.format(Locale.ROOT, ", idle window %.1f s", wall / 1e9));
            System.out.println("| server | CPU time in window (ms) | % of one core |");
            System.out.println("|---|---|---|");
            System.out.printf(Locale.ROOT, "| without agent | %.0f | %.2f |%n", plainCpu / 1e6, plainPct);
            System.out.printf(Locale.ROOT, "| with agent (defaults: tick 1 ms) | %.0f | %.2f |%n", agentCpu / 1e6, agentPct);
            System.out.printf(Locale.ROOT, "| difference | %+.0f | %+.2f |%n", (agentCpu - plainCpu) / 1e6,
                    agentPct - plainPct);
        } finally {
            HttpProbe.stop(plain);
            HttpProbe.stop(agent);
        }
    }

    /** User + system CPU time of the whole process (all its threads) so far. */
    private static long cpuNanos(Process process) {
        return process.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + process.pid()));
    }
}
