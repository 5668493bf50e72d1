package dev.loopwatch.agent;

import dev.loopwatch.agent.abort.AbortInstrumentation;
import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.grpc.GrpcInstrumentation;
import dev.loopwatch.agent.micronaut.MicronautInstrumentation;
import dev.loopwatch.agent.netty.ExecutorInstrumentation;
import dev.loopwatch.agent.netty.NettyInstrumentation;
import dev.loopwatch.agent.reactor.ReactorInstrumentation;
import dev.loopwatch.agent.resteasy.ResteasyReactiveInstrumentation;
import dev.loopwatch.agent.vertx.VertxInstrumentation;
import dev.loopwatch.agent.slice.SliceInstrumentation;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.bridge.Slices;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Starts loopwatch in this JVM: options, the bootstrap bridge, the engine, and the one transformer that weaves every
 * hook ({@link Weaver}). Under {@code -javaagent} the transformer is registered before the application's
 * {@code main}: library and application classes get their hooks as they load, and the first task of every loop is
 * watched. The few JDK classes of the blocking-call line that the JVM has loaded already ({@code Thread},
 * {@code FileInputStream}, ...) are retransformed on a thread of the agent's own while {@code main} starts (tens of
 * milliseconds of a cold ASM, off the start's critical path on a machine with a second CPU); a loop waits for that
 * before its first task, so no blocking call on a loop is missed, and nothing is hot yet to be deoptimised. Nothing is
 * installed later: a service warming up under load never competes with the agent.
 *
 * <p>Attached late (the JUnit extension's fallback, an attach to a running service), everything is installed before
 * returning: the loaded classes the transformer applies to are retransformed, and loops already inside their
 * {@code run()} are adopted by their stacks, a busy one with its task.
 */
final class AgentInstaller {
    private static boolean installed;

    private AgentInstaller() {
    }

    /**
     * Installs loopwatch, or, when it runs already (a second {@code attach}), applies the options that can change live
     * ({@link LiveOptions}).
     *
     * @return what happened, in one line: the {@code attach} command shows it
     */
    static synchronized String install(String args, Instrumentation inst, boolean late) throws Exception {
        if (installed) {
            LoopWatch engine = LoopWatch.current();
            String outcome = engine == null ? "loopwatch was loaded before but is not running; nothing changed"
                    : LiveOptions.apply(args, engine);
            System.err.println(outcome);
            return outcome;
        }
        LoopWatchConfig config;
        try {
            config = ConfigParser.fromEnvironment(args);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            LoopWatch.refused(e.getMessage());
            return e.getMessage();
        }
        // The bridge must be in the bootstrap loader before anything links to it: core, and the woven code.
        BootstrapBridge.inject(inst);
        exportJvmCounters(inst);
        if (config.action() == Action.SLICE) {
            config = slicing(inst, config);
        }
        LoopWatch.start(config);
        installed = true;
        try {
            instrument(inst, config, late);
        } catch (Throwable t) {
            Diagnostics.disabled("instrumentation", t);
            Instrumentations.ready();
        }
        return "loopwatch is running: " + LiveOptions.summary(config);
    }

    /**
     * The watchdog splits a stall's time into the task's and the JVM's pauses by the JVM's performance counters
     * ({@code jdk.internal.perf}, see {@code JvmCounters}): exported to loopwatch's core, wherever it was loaded.
     */
    private static void exportJvmCounters(Instrumentation inst) {
        try {
            inst.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of("jdk.internal.perf", Set.of(LoopWatch.class.getModule())), Map.of(), Set.of(), Map.of());
        } catch (RuntimeException e) {
            Diagnostics.error("JVM counters export", e);
        }
    }

    /**
     * action=slice's preparation: on JDK 21+, {@code jdk.internal.vm} exported to the bridge and slicing switched on;
     * where that is not possible (JDK 17, or it failed), one line says so and the agent runs with action=log.
     */
    static LoopWatchConfig slicing(Instrumentation inst, LoopWatchConfig config) {
        int feature = Runtime.version().feature();
        if (!JdkFeatures.continuations(feature)) {
            System.err.println("loopwatch: action=slice needs JDK 21 or later (this is JDK " + feature
                    + "): slicing is not available, action=log is used");
            return config.withAction(Action.LOG);
        }
        try {
            SliceInstrumentation.exportContinuations(inst, Slices.class);
            BlockingInstaller.giveJavaBaseAReadEdgeToTheBridge(inst);
            Throwable refused = Slices.enable();
            if (refused != null) {
                throw refused;
            }
            return config;
        } catch (Throwable t) {
            System.err.println("loopwatch: action=slice is not available on this JVM (" + t
                    + "): slicing is off, action=log is used");
            return config.withAction(Action.LOG);
        }
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
        if (config.action() == Action.SLICE) {
            lines.addAll(SliceInstrumentation.lines()); // last: after the library lines' hooks on the same methods
        }
        AbortInstrumentation abort = config.action().checks() ? new AbortInstrumentation(config) : null;
        Weaver weaver = new Weaver(lines, abort, rewriter, new BridgeVisibility(inst));
        inst.addTransformer(weaver, true);
        List<Class<?>> later = new ArrayList<>();
        List<Class<?>> loaded = loadedClassesToWeave(inst, weaver, late, later);
        Finish finish = new Finish(inst, loaded, later, blocking ? config.allow() : null, rewriter);
        if (late) {
            finish.retransformLoaded();
            RunningLoops.adopt(NettyInstrumentation.loopClasses());
            finish.rest();
            return;
        }
        Loops.holdLoopsUntil(finish.done);
        Thread thread = new Thread(finish, "loopwatch-install");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }

    /**
     * The rest of the install once the transformer is registered: the loaded classes retransformed (then loops may
     * run), those that only the allow-list applies to after them, the user's allow entries checked, the canary. A
     * class rather than a lambda: it is made in {@code premain}, where a lambda's first call costs the start a
     * generated class.
     */
    private static final class Finish implements Runnable {
        final CountDownLatch done = new CountDownLatch(1);
        private final Instrumentation inst;
        private final List<Class<?>> loaded;
        private final List<Class<?>> later;
        /** The user's allow entries, null when the blocking-call line is off. */
        private final List<String> allow;
        private final CallSiteRewriter rewriter;

        Finish(Instrumentation inst, List<Class<?>> loaded, List<Class<?>> later, List<String> allow,
               CallSiteRewriter rewriter) {
            this.inst = inst;
            this.loaded = loaded;
            this.later = later;
            this.allow = allow;
            this.rewriter = rewriter;
        }

        @Override
        public void run() {
            retransformLoaded();
            if (allow != null) {
                BlockingInstaller.loadAhead(); // woven here, beside main, rather than on the service's path
            }
            rest();
        }

        void retransformLoaded() {
            try {
                retransform(inst, loaded);
            } catch (Throwable t) {
                Diagnostics.disabled("instrumentation of loaded classes", t);
            } finally {
                done.countDown();
            }
        }

        void rest() {
            try {
                retransform(inst, later);
            } catch (Throwable t) {
                Diagnostics.disabled("instrumentation of loaded classes", t);
            }
            if (allow != null) {
                BlockingInstaller.checkAllowList(allow);
                BlockingInstaller.canary(rewriter);
            }
            Instrumentations.ready();
        }
    }

    /**
     * The classes loaded before the transformer was registered that it applies to: in {@code premain}, a few
     * JDK classes of the blocking-call line; attached late, also the libraries' classes and the application's
     * classes that the call-site rewrite or the abort checks change. Those that only the allow-list applies to
     * ({@code ClassLoader}, a big class) go to {@code later}: loops need not wait for them.
     */
    private static List<Class<?>> loadedClassesToWeave(Instrumentation inst, Weaver weaver, boolean late,
                                                       List<Class<?>> later) {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.isArray() || c.isPrimitive() || c.isHidden()) {
                continue;
            }
            ClassLoader loader = c.getClassLoader();
            String name = c.getName().replace('.', '/');
            // The names first: in premain they rule out all but a few of the JVM's ~700 classes, each of which
            // would otherwise cost a call into the JVM (isModifiableClass).
            if (weaver.onlyAllowListWants(loader, name)) {
                if (inst.isModifiableClass(c)) {
                    later.add(c);
                }
            } else if ((weaver.wantsByName(loader, name) || (late && rewritten(weaver, loader, name)))
                    && inst.isModifiableClass(c)) {
                classes.add(c);
            }
        }
        return classes;
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

    /** Every library line in force: Netty, Vert.x, gRPC, Micronaut and RESTEasy Reactive always, Reactor's schedulers and Netty's executors by option. */
    static List<LibraryLine> lines(LoopWatchConfig config) {
        List<LibraryLine> lines = new ArrayList<>(NettyInstrumentation.lines());
        if (config.executors()) {
            lines.add(ExecutorInstrumentation.line());
        }
        lines.addAll(VertxInstrumentation.lines());
        lines.add(GrpcInstrumentation.line());
        lines.add(MicronautInstrumentation.line());
        lines.add(ResteasyReactiveInstrumentation.line());
        if (config.schedulers()) {
            lines.addAll(ReactorInstrumentation.lines());
        }
        return lines;
    }
}
