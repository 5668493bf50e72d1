package dev.loopwatch.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * JVM start-up time added by the agent. Each round starts, with and without the agent, (i) a hello-world main,
 * timed from process start to exit, (ii) the minimal Netty HTTP server ({@link HttpServerMain}) and (iii) the
 * Netty service with a real pipeline and logging ({@link NettyHelloService}: HTTP codec, aggregator, SLF4J), each
 * timed from process start until it answers its first request on 127.0.0.1 with a 200, and the service's CPU time
 * (all threads) read at that moment. Runs alternate, and the order flips every round, so that drift on a busy
 * machine falls on both sides alike.
 *
 * <p>System properties {@code rounds} (default 12) and {@code agentOptions}: the agent's options (default none, its
 * defaults); {@code -DagentOptions=blocking=off} tells the blocking-call line's share of the start from the rest.
 */
public final class StartupMain {
    private static final long SERVER_TIMEOUT = TimeUnit.SECONDS.toNanos(60);
    private static final String AGENT_OPTIONS = System.getProperty("agentOptions", "");

    private StartupMain() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 12);
        double[][] hello = new double[2][rounds];  // [0] without, [1] with the agent; milliseconds
        double[][] server = new double[2][rounds];
        double[][] service = new double[2][rounds];
        double[][] serviceCpu = new double[2][rounds];
        warmUpDiskCache();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int withAgent = (r + k) % 2; // flips which side goes first each round
                hello[withAgent][r] = helloMillis(withAgent == 1);
                server[withAgent][r] = serverMillis(HttpServerMain.class, withAgent == 1)[0];
                double[] s = serverMillis(NettyHelloService.class, withAgent == 1);
                service[withAgent][r] = s[0];
                serviceCpu[withAgent][r] = s[1];
            }
            System.err.printf(Locale.ROOT, "round %d: hello %.0f/%.0f ms, server %.0f/%.0f ms, service %.0f/%.0f ms"
                            + " (CPU %.0f/%.0f ms) (without/with)%n", r + 1, hello[0][r], hello[1][r], server[0][r],
                    server[1][r], service[0][r], service[1][r], serviceCpu[0][r], serviceCpu[1][r]);
        }
        System.out.println(Machine.describe() + ", " + rounds + " runs each"
                + (AGENT_OPTIONS.isEmpty() ? "" : ", agent options " + AGENT_OPTIONS));
        System.out.println("| program | median without agent (ms) | median with agent (ms) | added (ms) | ratio | min without / with (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        row("hello world, start to exit", hello);
        row("minimal Netty HTTP server (HttpServerMain), start to first 200", server);
        row("Netty service with aggregator and SLF4J logging (NettyHelloService), start to first 200", service);
        row("the same service: its CPU time (all threads) at its first 200", serviceCpu);
    }

    /** Child JVMs read the same jars; the first run would otherwise pay the disk for one side only. */
    private static void warmUpDiskCache() throws Exception {
        helloMillis(false);
        helloMillis(true);
        serverMillis(NettyHelloService.class, false);
        serverMillis(NettyHelloService.class, true);
    }

    private static double helloMillis(boolean agent) throws Exception {
        List<String> command = JavaCommand.of(agent ? AGENT_OPTIONS : null, HelloMain.class);
        long start = System.nanoTime();
        Process p = JavaCommand.start(command);
        int exit = p.waitFor();
        long end = System.nanoTime();
        if (exit != 0) {
            throw new IllegalStateException("hello world exited with " + exit);
        }
        return (end - start) / 1e6;
    }

    /** Milliseconds from start to the first 200, and the server's CPU milliseconds at that moment. */
    private static double[] serverMillis(Class<?> main, boolean agent) throws Exception {
        int port = HttpProbe.freePort();
        List<String> command = JavaCommand.of(agent ? AGENT_OPTIONS : null, main, Integer.toString(port));
        long start = System.nanoTime();
        Process p = JavaCommand.start(command);
        try {
            long answered = HttpProbe.awaitAnswer(port, p, SERVER_TIMEOUT);
            double cpu = p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e6;
            return new double[] {(answered - start) / 1e6, cpu};
        } finally {
            HttpProbe.stop(p);
        }
    }

    private static void row(String name, double[][] millis) {
        Stats without = new Stats(millis[0]);
        Stats with = new Stats(millis[1]);
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %+.0f | %.2f | %.0f / %.0f |%n", name, without.median(),
                with.median(), with.median() - without.median(), with.median() / without.median(), without.min(),
                with.min());
    }
}
