package dev.loopwatch.agent;

import dev.loopwatch.agent.blocking.AllowAdvice;
import dev.loopwatch.agent.blocking.BlockingAdvice;
import dev.loopwatch.agent.blocking.CallId;
import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.blocking.Canary;
import dev.loopwatch.agent.blocking.ChannelBeginAdvice;
import dev.loopwatch.agent.blocking.ChannelEndAdvice;
import dev.loopwatch.agent.blocking.JdkBlockingTable;
import dev.loopwatch.agent.blocking.LookupBlockingAdvice;
import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.Instrumentations;
import dev.loopwatch.core.blocking.AllowList;
import dev.loopwatch.core.blocking.BlockingCalls;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.hasMethodName;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Installs the {@code jdk-blocking} line: advice in the blocking JDK methods of {@link JdkBlockingTable},
 * the call-site rewrite of its substitutes ({@code Object.wait}; {@code Thread.sleep} where native), the
 * allow-list's advice; checks the user's allow entries; and proves at the end, with a canary, that a blocking
 * call on a loop is seen.
 */
final class BlockingInstaller {
    static final String LINE = "jdk-blocking";
    static final String ALLOW_LINE = "allow-list";

    private BlockingInstaller() {
    }

    /**
     * @param executors whether Netty's {@code DefaultEventExecutor} threads are watched ({@code executors=on})
     * @param pause run between the two batches of retransformed classes: into a warm JVM, {@link dev.loopwatch.core.JitWarmUp#pause()},
     *              so that the JIT recompiles what the first batch threw away before the second adds to it
     */
    static void install(Instrumentation inst, List<String> userAllow, boolean executors, Pause pause)
            throws InterruptedException {
        BlockingCalls.names(JdkBlockingTable.names());
        List<JdkBlockingTable.Substitute> substitutes = JdkBlockingTable.substitutes();
        Blocking.substitutes(JdkBlockingTable.id("java.lang.Thread.sleep"), JdkBlockingTable.id("java.lang.Object.wait"));
        giveJavaBaseAReadEdgeToTheBridge(inst);
        String rewriteFailure = null;
        CallSiteRewriter rewriter = null;
        if (!substitutes.isEmpty()) {
            try {
                rewriter = new CallSiteRewriter(substitutes, AllowList.of(userAllow));
                inst.addTransformer(rewriter, true);
            } catch (Throwable t) {
                rewriter = null;
                rewriteFailure = t.toString();
                Diagnostics.disabled("call-site rewrite", t);
            }
        }
        // The advice's classes first (one batch, ByteBuddy's; the rewrite runs on them too, being registered),
        // then the other loaded classes the rewrite changes, in one batch: every class is retransformed once,
        // and a warm service's compiled code is thrown away in two rounds, not one per class.
        Set<String> advisedTypes = installAdvice(inst, userAllow, executors);
        if (rewriter != null) {
            pause.run();
            try {
                rewriteLoaded(inst, rewriter, advisedTypes);
            } catch (Throwable t) {
                rewriteFailure = t.toString();
                Diagnostics.disabled("call-site rewrite", t);
            }
        }
        checkAllowList(userAllow);
        canary(substitutes, rewriteFailure);
    }

    /** A wait between install steps. */
    @FunctionalInterface
    interface Pause {
        Pause NONE = () -> { };

        void run() throws InterruptedException;
    }

    /**
     * Advice inlined into {@code java.base} refers to the bridge, which lives in the bootstrap loader's
     * unnamed module; a named module reads no unnamed module unless told, so linking would fail with an
     * {@code IllegalAccessError} (swallowed by the advice: nothing would be recorded). The sanctioned way
     * for an agent to add the edge is {@link Instrumentation#redefineModule}.
     */
    static void giveJavaBaseAReadEdgeToTheBridge(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module bridge = Blocking.class.getModule();
        if (!base.canRead(bridge)) {
            inst.redefineModule(base, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
        }
        if (!base.canRead(bridge)) {
            throw new IllegalStateException("java.base cannot read the bridge's module " + bridge);
        }
    }

    /** Installs the JDK and allow-list advice; returns the names of the classes it goes into. */
    private static Set<String> installAdvice(Instrumentation inst, List<String> userAllow, boolean executors) {
        Set<String> types = new LinkedHashSet<>();
        Set<String> blockingTypes = new LinkedHashSet<>();
        List<JdkBlockingTable.Target> advised = new ArrayList<>(JdkBlockingTable.targets());
        advised.removeIf(t -> t.kind() == JdkBlockingTable.Kind.CALL_SITE); // their classes are never retransformed
        for (JdkBlockingTable.Target t : advised) {
            types.add(t.type());
            blockingTypes.add(t.type());
        }
        List<String> allow = advisedAllowEntries(userAllow, executors);
        for (String entry : allow) {
            types.add(className(entry));
        }
        AgentBuilder builder = LineInstaller.newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.DescriptionStrategy.Default.HYBRID)
                .with(new Recorder(blockingTypes))
                .with(NameFilteredTransformer.decorator(internalNames(types)::contains))
                .ignore(not(namedOneOf(types.toArray(new String[0]))));
        for (JdkBlockingTable.Target t : advised) {
            Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(CallId.class, JdkBlockingTable.id(t.name()));
            ElementMatcher.Junction<MethodDescription> methods = named(t.method()).and(withBody());
            AdviceTransformer advice = switch (t.kind()) {
                case CHANNEL -> AdviceTransformer
                        .of(methods.and(takesArgument(0, boolean.class)), mapping.to(ChannelBeginAdvice.class))
                        .and(named(t.end()).and(withBody()).and(takesArguments(boolean.class, boolean.class)),
                                mapping.to(ChannelEndAdvice.class));
                case LOOKUP -> AdviceTransformer.of(methods.and(takesArguments(String.class)),
                        mapping.to(LookupBlockingAdvice.class));
                default -> AdviceTransformer.of(methods, mapping.to(BlockingAdvice.class));
            };
            builder = builder.type(named(t.type())).transform(advice);
        }
        Advice allowAdvice = Advice.to(AllowAdvice.class);
        for (String entry : allow) {
            String method = methodName(entry);
            ElementMatcher.Junction<MethodDescription> methods = method == null
                    ? isMethod() : hasMethodName(method).and(isMethod());
            builder = builder.type(named(className(entry))).transform(AdviceTransformer.of(methods.and(withBody()), allowAdvice));
        }
        builder.installOn(inst);
        return types;
    }

    /**
     * The allow entries given advice: the built-in and the user's, but those matched on the stack only: the
     * package prefixes (loopwatch's own; advice goes into named classes), {@link AllowList#STACK_ONLY}, and
     * {@link AllowList#ADVISED_WITH_EXECUTORS_ONLY} unless {@code executors} (or the user names them).
     */
    static List<String> advisedAllowEntries(List<String> userAllow, boolean executors) {
        List<String> allow = new ArrayList<>(AllowList.DEFAULTS);
        allow.addAll(userAllow);
        allow.removeIf(e -> e.endsWith(".") || AllowList.STACK_ONLY.contains(e)
                || (!executors && AllowList.ADVISED_WITH_EXECUTORS_ONLY.contains(e) && !userAllow.contains(e)));
        return allow;
    }

    /** The JVM's names ({@code java/io/FileInputStream}) of these binary names. */
    private static Set<String> internalNames(Set<String> binaryNames) {
        Set<String> names = new HashSet<>();
        for (String name : binaryNames) {
            names.add(name.replace('.', '/'));
        }
        return names;
    }

    private static ElementMatcher.Junction<MethodDescription> withBody() {
        return not(isNative()).and(not(isAbstract()));
    }

    /**
     * Classes loaded before the rewrite was installed that call a substituted method (but {@code done}'s, already
     * retransformed): retransformed together.
     */
    private static void rewriteLoaded(Instrumentation inst, CallSiteRewriter rewriter, Set<String> done) {
        List<Class<?>> calling = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.isArray() || c.isPrimitive() || c.isHidden() || !inst.isModifiableClass(c)) {
                continue;
            }
            ClassLoader loader = c.getClassLoader();
            String name = c.getName().replace('.', '/');
            if (!CallSiteRewriter.inScope(loader, name) || name.equals("dev/loopwatch/agent/blocking/Canary")
                    || done.contains(c.getName())) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(name + ".class")) {
                // The exact test, not just mentions(): a class that only names a "sleep" or a "wait" (Netty's
                // NioIoHandler, its queues, Ticker) would be retransformed unchanged, which still throws away the
                // compiled code that inlined it.
                byte[] bytes = in == null ? null : in.readAllBytes();
                if (bytes != null && rewriter.mentions(bytes) && rewriter.rewrite(bytes) != null) {
                    calling.add(c);
                }
            } catch (Throwable t) {
                Diagnostics.error("call-site rewrite of " + c.getName(), t);
            }
        }
        retransform(inst, calling);
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
                Diagnostics.error("call-site rewrite of " + c.getName(), t);
            }
        }
    }

    /** Each user entry must name a class (and method) that exists; else one warning naming it. */
    static List<String> checkAllowList(List<String> userAllow) {
        List<String> warnings = new ArrayList<>();
        if (userAllow.isEmpty()) {
            return warnings;
        }
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofSystemLoader());
        for (String entry : userAllow) {
            String cls = className(entry);
            String method = methodName(entry);
            TypePool.Resolution resolution = pool.describe(cls);
            String problem = null;
            if (!resolution.isResolved()) {
                problem = "no class " + cls + " on the class path";
            } else if (method != null && !declares(resolution.resolve(), method)) {
                problem = "class " + cls + " has no method " + method;
            }
            if (problem != null) {
                String warning = "loopwatch: allow entry '" + entry + "': " + problem + "; it allows nothing";
                warnings.add(warning);
                Diagnostics.once("allow:" + entry, warning);
            }
        }
        return warnings;
    }

    private static boolean declares(TypeDescription type, String method) {
        try {
            for (TypeDefinition t = type; t != null; t = t.getSuperClass()) {
                if (!t.getDeclaredMethods().filter(hasMethodName(method)).isEmpty()) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return true; // a superclass that cannot be resolved from here: give the entry the benefit of the doubt
        }
        return false;
    }

    static String className(String entry) {
        int hash = entry.indexOf('#');
        return hash < 0 ? entry : entry.substring(0, hash);
    }

    static String methodName(String entry) {
        int hash = entry.indexOf('#');
        return hash < 0 ? null : entry.substring(hash + 1);
    }

    /** A blocking call of each basic kind, on a thread marked as a loop, must be counted. */
    private static void canary(List<JdkBlockingTable.Substitute> substitutes, String rewriteFailure) {
        List<String> missing = new ArrayList<>();
        Thread thread = new Thread(() -> {
            LoopSlot slot = Loops.enterLoop(null);
            if (slot == null) {
                missing.add("the canary thread could not be marked as a loop");
                return;
            }
            BlockingRing ring = Blocking.ringOf(slot);
            ring.markCanary();
            try {
                check(ring, "java.lang.Thread.sleep", "java.lang.Thread", substitutes, rewriteFailure, missing, 0);
                check(ring, "java.lang.Object.wait", "java.lang.Object", substitutes, rewriteFailure, missing, 1);
                check(ring, "java.util.concurrent.locks.LockSupport.parkNanos", "java.util.concurrent.locks.LockSupport",
                        substitutes, rewriteFailure, missing, 2);
            } finally {
                Loops.exitLoop(slot);
            }
        }, "loopwatch-canary");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String m : missing) {
            Diagnostics.once("canary:" + m, "loopwatch: blocking-call canary: " + m);
        }
    }

    private static void check(BlockingRing ring, String call, String type, List<JdkBlockingTable.Substitute> substitutes,
                              String rewriteFailure, List<String> missing, int which) {
        int id = JdkBlockingTable.id(call);
        long before = ring.count(id);
        try {
            switch (which) {
                case 0: Canary.sleep(); break;
                case 1: Canary.waitOn(); break;
                default: Canary.park(); break;
            }
        } catch (Throwable t) {
            missing.add(call + " failed on the canary thread (" + t + ")");
            return;
        }
        if (ring.count(id) > before) {
            return;
        }
        boolean substituted = substitutes.stream().anyMatch(s -> s.name().equals(call));
        String why;
        if (substituted) {
            why = "it is native on this JDK and its call sites are rewritten, but the rewrite did not apply"
                    + (rewriteFailure == null ? "" : " (" + rewriteFailure + ")");
        } else if (!Instrumentations.applied().getOrDefault(LINE, List.of()).contains(type)) {
            String failure = Diagnostics.failures().get("instrumentation " + LINE + " of " + type);
            why = "the advice was not applied to " + type + (failure == null ? "" : " (" + failure + ")");
        } else {
            why = "the advice is in " + type + " but recorded nothing (is java.base able to read the bridge?)";
        }
        missing.add(call + " on a loop was not seen: " + why + "; such calls will not be reported");
    }

    /** Records what was instrumented; counts failures instead of logging from inside the transformer. */
    private static final class Recorder extends AgentBuilder.Listener.Adapter {
        private final Set<String> blockingTypes;

        Recorder(Set<String> blockingTypes) {
            this.blockingTypes = blockingTypes;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            Instrumentations.applied(blockingTypes.contains(type.getName()) ? LINE : ALLOW_LINE, type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            Instrumentations.failed(blockingTypes.contains(typeName) ? LINE : ALLOW_LINE, typeName, throwable);
        }
    }
}
