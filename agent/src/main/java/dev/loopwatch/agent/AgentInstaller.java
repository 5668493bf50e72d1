package dev.loopwatch.agent;

import dev.loopwatch.agent.abort.AbortInstrumentation;
import dev.loopwatch.agent.grpc.GrpcInstrumentation;
import dev.loopwatch.agent.netty.ExecutorInstrumentation;
import dev.loopwatch.agent.netty.NettyInstrumentation;
import dev.loopwatch.agent.reactor.ReactorInstrumentation;
import dev.loopwatch.agent.vertx.VertxInstrumentation;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.Instrumentations;
import dev.loopwatch.core.JitWarmUp;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.blocking.BlockingDrain;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.Action;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts loopwatch in this JVM: options, the bootstrap bridge and the engine at once; then the
 * instrumentation. Under {@code -javaagent} the instrumentation is installed on a background thread, so
 * the service's start is not held up by ByteBuddy's own start; Netty classes loaded meanwhile are
 * retransformed, and loops already running are adopted by their stacks. Attached late, it is installed
 * before returning, so the caller (the JUnit extension) knows it is in force.
 *
 * <p>The trade-off, measured on 2 vCPUs (JDK 25, benchmarks/README.md): installed in {@code premain}, a
 * hello world takes about 0.9 s to run instead of 0.05 s (0.15 s with the background install), far past the
 * 300 ms start-up budget. On the background thread the install costs about 1 s of CPU while the service
 * starts, and a service that takes load at once shares the CPUs with it while its JIT warms up; so the costlier
 * half, the blocking-call line, waits until the JIT has settled (see {@link #instrument}).
 */
final class AgentInstaller {
    private static boolean installed;

    private AgentInstaller() {
    }

    static synchronized void install(String args, Instrumentation inst, boolean late) throws Exception {
        if (installed) {
            return;
        }
        LoopWatchConfig config;
        try {
            config = ConfigParser.fromEnvironment(args);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            LoopWatch.refused(e.getMessage());
            return;
        }
        // The bridge must be in the bootstrap loader before anything links to it: core, and the advice.
        BootstrapBridge.inject(inst);
        boolean deferBlocking = defersBlocking(late, config);
        if (deferBlocking) {
            BlockingDrain.holdMonitors(); // before any loop can register: see instrument
        }
        LoopWatch.start(config);
        installed = true;
        LoopWatchConfig chosen = config;
        if (late) {
            instrument(inst, chosen, false);
        } else {
            Thread installer = new Thread(() -> instrument(inst, chosen, deferBlocking), "loopwatch-installer");
            installer.setDaemon(true);
            installer.setContextClassLoader(null);
            installer.start();
        }
    }

    /**
     * Whether the blocking-call line waits until the JIT has settled: under {@code -javaagent} by default
     * ({@code blocking.start=settled}); never when attached late, where the service is warm already.
     */
    static boolean defersBlocking(boolean late, LoopWatchConfig config) {
        return !late && config.blocking() && config.blockingSettled();
    }

    /**
     * Installs the library lines (stall detection), adopts the loops already running, then the blocking-call
     * line. Under {@code -javaagent} ({@code deferBlocking}, unless {@code blocking.start=now}) that line waits
     * until the JIT has settled ({@link JitWarmUp}: 2-10 s after start): its start (JDK classes retransformed, loaded classes scanned,
     * the JFR stream) is the most expensive part of the install, and a service that takes load at once would
     * otherwise warm up beside it. Attached late (the JUnit extension), everything is installed at once.
     * {@link Instrumentations#ready()} comes last, so that "instrumented" means every line is in force.
     */
    private static void instrument(Instrumentation inst, LoopWatchConfig config, boolean deferBlocking) {
        try {
            LineInstaller.install(inst, lines(config), packages(config),
                    config.action() == Action.ABORT ? new AbortInstrumentation(config) : null);
            RunningLoops.adopt(NettyInstrumentation.loopClasses());
            if (config.blocking()) {
                // Into a warm JVM the line goes in three steps (advice, call-site rewrite, JFR stream), each after
                // the JIT has recompiled what the one before threw away: together they cost a loaded service a
                // brown-out of about 1 s of throughput (benchmarks/README.md, InstallBlip).
                BlockingInstaller.Pause pause = deferBlocking ? JitWarmUp::pause : BlockingInstaller.Pause.NONE;
                try {
                    if (deferBlocking) {
                        JitWarmUp.awaitSettled();
                    }
                    BlockingInstaller.install(inst, config.allow(), config.executors(), pause);
                    pause.run();
                } catch (Throwable t) {
                    Diagnostics.disabled("blocking-call instrumentation", t);
                } finally {
                    BlockingDrain.releaseMonitors();
                }
            }
            Instrumentations.ready();
        } catch (Throwable t) {
            Diagnostics.disabled("instrumentation", t);
        }
    }

    /** Every library line in force: Netty, Vert.x and gRPC always, Reactor's schedulers and Netty's executors by option. */
    static List<LibraryLine> lines(LoopWatchConfig config) {
        List<LibraryLine> lines = new ArrayList<>(NettyInstrumentation.lines());
        if (config.executors()) {
            lines.add(ExecutorInstrumentation.line());
        }
        lines.addAll(VertxInstrumentation.lines());
        lines.add(GrpcInstrumentation.line());
        if (config.schedulers()) {
            lines.addAll(ReactorInstrumentation.lines());
        }
        return lines;
    }

    /** The packages those lines' types live in: everything else is ignored by the transformer. */
    static List<String> packages(LoopWatchConfig config) {
        List<String> packages = new ArrayList<>(List.of("io.netty.", VertxInstrumentation.PACKAGE,
                GrpcInstrumentation.PACKAGE));
        if (config.schedulers()) {
            packages.add(ReactorInstrumentation.PACKAGE);
        }
        return packages;
    }
}
