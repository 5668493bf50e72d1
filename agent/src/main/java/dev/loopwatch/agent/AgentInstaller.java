package dev.loopwatch.agent;

import dev.loopwatch.agent.abort.AbortInstrumentation;
import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.grpc.GrpcInstrumentation;
import dev.loopwatch.agent.netty.ExecutorInstrumentation;
import dev.loopwatch.agent.netty.NettyInstrumentation;
import dev.loopwatch.agent.reactor.ReactorInstrumentation;
import dev.loopwatch.agent.vertx.VertxInstrumentation;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.Instrumentations;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.config.Action;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts loopwatch in this JVM, all of it before returning: options, the bootstrap bridge, the engine, and the one
 * transformer that weaves every hook ({@link Weaver}). Under {@code -javaagent} that is before the application's
 * {@code main}: library and application classes get their hooks as they load, the JDK's few blocking classes that
 * are loaded already are retransformed while nothing is hot, and the first task of every loop is watched. Nothing
 * is left to install later, so a service warming up under load never competes with the agent, and none of its
 * compiled code is thrown away by a retransformation.
 *
 * <p>Attached late (the JUnit extension's fallback, an attach to a running service), the same transformer also
 * retransforms the loaded classes it applies to, and loops already inside their {@code run()} are adopted by their
 * stacks, a busy one with its task.
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
        // The bridge must be in the bootstrap loader before anything links to it: core, and the woven code.
        BootstrapBridge.inject(inst);
        LoopWatch.start(config);
        installed = true;
        try {
            instrument(inst, config, late);
        } catch (Throwable t) {
            Diagnostics.disabled("instrumentation", t);
        }
        Instrumentations.ready();
    }

    private static void instrument(Instrumentation inst, LoopWatchConfig config, boolean late) {
        List<LibraryLine> lines = lines(config);
        CallSiteRewriter rewriter = null;
        boolean blocking = false;
        if (config.blocking()) {
            try {
                BlockingInstaller.prepare(inst);
                lines.add(BlockingInstaller.jdkLine());
                lines.add(BlockingInstaller.allowLine(config.allow(), config.executors()));
                rewriter = BlockingInstaller.rewriter(config.allow());
                blocking = true;
            } catch (Throwable t) {
                Diagnostics.disabled("blocking-call instrumentation", t);
            }
        }
        AbortInstrumentation abort = config.action() == Action.ABORT ? new AbortInstrumentation(config) : null;
        Weaver weaver = new Weaver(lines, abort, rewriter, new BridgeVisibility(inst));
        inst.addTransformer(weaver, true);
        retransformLoaded(inst, weaver, late);
        if (late) {
            RunningLoops.adopt(NettyInstrumentation.loopClasses());
        }
        if (blocking) {
            BlockingInstaller.checkAllowList(config.allow());
            BlockingInstaller.canary(rewriter);
        }
    }

    /**
     * The classes loaded before the transformer was registered that it applies to: in {@code premain}, a few
     * JDK classes of the blocking-call line; attached late, also the libraries' classes and the application's
     * classes that the call-site rewrite or the abort checks change. Retransformed in one batch.
     */
    private static void retransformLoaded(Instrumentation inst, Weaver weaver, boolean late) {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.isArray() || c.isPrimitive() || c.isHidden() || !inst.isModifiableClass(c)) {
                continue;
            }
            ClassLoader loader = c.getClassLoader();
            String name = c.getName().replace('.', '/');
            if (weaver.wantsByName(loader, name) || (late && rewritten(weaver, loader, name))) {
                classes.add(c);
            }
        }
        retransform(inst, classes);
    }

    /** Whether the call-site rewrite changes this loaded class, read from its loader (never from the JVM). */
    private static boolean rewritten(Weaver weaver, ClassLoader loader, String name) {
        if (loader == null || name.startsWith("dev/loopwatch/")) {
            return false;
        }
        try (InputStream in = loader.getResourceAsStream(name + ".class")) {
            // The exact test, not just a mention: a class retransformed unchanged still loses its compiled code.
            return in != null && weaver.rewrites(loader, name, in.readAllBytes());
        } catch (Throwable t) {
            Diagnostics.error("call-site rewrite of " + name.replace('/', '.'), t);
            return false;
        }
    }

    /** Retransforms these classes in one batch; if that fails, one by one, so that one class cannot stop the rest. */
    private static void retransform(Instrumentation inst, List<Class<?>> classes) {
        if (classes.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(classes.toArray(new Class<?>[0]));
            return;
        } catch (Throwable batch) {
            // below: the JVM applies a batch all or nothing
        }
        for (Class<?> c : classes) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                Diagnostics.error("retransformation of " + c.getName(), t);
            }
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
}
