package dev.loopwatch.agent;

import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.blocking.Canary;
import dev.loopwatch.agent.blocking.JdkBlockingTable;
import dev.loopwatch.agent.weave.Advice;
import dev.loopwatch.agent.weave.MethodMatch;
import dev.loopwatch.agent.weave.TypeMatch;
import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.Instrumentations;
import dev.loopwatch.core.blocking.AllowList;
import dev.loopwatch.core.blocking.BlockingCalls;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

import static dev.loopwatch.agent.weave.MethodMatch.anyMethod;
import static dev.loopwatch.agent.weave.MethodMatch.argument;
import static dev.loopwatch.agent.weave.MethodMatch.descriptor;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * The {@code jdk-blocking} line: advice in the blocking JDK methods of {@link JdkBlockingTable}, the call-site
 * rewrite of its substitutes ({@code Object.wait}; {@code Thread.sleep} where native), and the allow-list's advice
 * ({@code allow-list} line); checks the user's allow entries; and proves, with a canary, that a blocking call on a
 * loop is seen.
 */
final class BlockingInstaller {
    static final String LINE = "jdk-blocking";
    static final String ALLOW_LINE = "allow-list";
    /** By name: its class must load through the system class loader (see {@link Canary}). */
    private static final String CANARY_CLASS = CallSiteRewriter.CANARY.replace('/', '.');

    private BlockingInstaller() {
    }

    /**
     * Makes the bridge reachable from {@code java.base} and names the calls; throws when the line cannot work.
     */
    static void prepare(Instrumentation inst) {
        BlockingCalls.names(JdkBlockingTable.names());
        Blocking.substitutes(JdkBlockingTable.id("java.lang.Thread.sleep"), JdkBlockingTable.id("java.lang.Object.wait"));
        giveJavaBaseAReadEdgeToTheBridge(inst);
    }

    /**
     * Advice inlined into {@code java.base} refers to the bridge, which lives in the bootstrap loader's
     * unnamed module; a named module reads no unnamed module unless told, so linking would fail with an
     * {@code IllegalAccessError}. The sanctioned way for an agent to add the edge is
     * {@link Instrumentation#redefineModule}.
     */
    public static void giveJavaBaseAReadEdgeToTheBridge(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module bridge = Blocking.class.getModule();
        if (!base.canRead(bridge)) {
            inst.redefineModule(base, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
        }
        if (!base.canRead(bridge)) {
            throw new IllegalStateException("java.base cannot read the bridge's module " + bridge);
        }
    }

    /** The advice in the JDK's blocking methods. */
    static LibraryLine jdkLine() {
        List<Hook> hooks = new ArrayList<>();
        for (JdkBlockingTable.Target t : JdkBlockingTable.targets()) {
            int id = JdkBlockingTable.id(t.name());
            TypeMatch type = TypeMatch.named(t.type());
            switch (t.kind()) {
                case CALL_SITE -> { } // its class is never transformed: its call sites are rewritten
                case CHANNEL -> {
                    hooks.add(new Hook(type, named(t.method()).and(argument(0, "Z")), BridgeAdvice.channelBegin()));
                    hooks.add(new Hook(type, named(t.end()).and(descriptor("(ZZ)V")), BridgeAdvice.channelEnd(id)));
                }
                case LOOKUP -> hooks.add(new Hook(type, named(t.method()).and(MethodMatch.arguments(1))
                        .and(argument(0, "Ljava/lang/String;")), BridgeAdvice.lookup(id)));
                default -> hooks.add(new Hook(type, named(t.method()), BridgeAdvice.blocking(id)));
            }
        }
        return LibraryLine.everywhere(LINE, hooks);
    }

    /**
     * Loads (without initialising) the JDK classes of the blocking-call line that the JVM has not loaded yet, on the
     * install thread: each is woven as it loads, with a cold ASM, and a service would otherwise pay that on its own
     * start's path, on {@code main} or a loop (the socket channels as Netty binds, {@code InetAddress}, {@code Files}).
     * A class missing from this JDK is skipped.
     */
    static void loadAhead() {
        Set<String> asked = new HashSet<>();
        for (JdkBlockingTable.Target t : JdkBlockingTable.targets()) {
            if (t.kind() == JdkBlockingTable.Kind.CALL_SITE || !asked.add(t.type())) {
                continue; // a class has a row per method: asked for once
            }
            try {
                Class.forName(t.type(), false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this JDK: nothing to weave
            }
        }
    }

    /** The advice in allow-listed methods: the built-in entries and the user's ({@link #advisedAllowEntries}). */
    static LibraryLine allowLine(List<String> userAllow, boolean executors) {
        List<Hook> hooks = new ArrayList<>();
        Advice allowed = BridgeAdvice.ALLOWED;
        for (String entry : advisedAllowEntries(userAllow, executors)) {
            String method = methodName(entry);
            hooks.add(new Hook(TypeMatch.named(className(entry)), method == null ? anyMethod() : named(method), allowed));
        }
        return LibraryLine.everywhere(ALLOW_LINE, hooks);
    }

    /** The call-site rewrite of the substitutes, or null when this JDK needs none. */
    static CallSiteRewriter rewriter(List<String> userAllow) {
        List<JdkBlockingTable.Substitute> substitutes = JdkBlockingTable.substitutes();
        return substitutes.isEmpty() ? null : new CallSiteRewriter(substitutes, AllowList.of(userAllow));
    }

    /**
     * The allow entries given advice: the built-in and the user's, but those matched on the stack only: the
     * package prefixes (loopwatch's own; advice goes into named classes), {@link AllowList#STACK_ONLY}, and
     * {@link AllowList#ADVISED_WITH_EXECUTORS_ONLY} unless {@code executors} (or the user names them).
     */
    static List<String> advisedAllowEntries(List<String> userAllow, boolean executors) {
        List<String> all = new ArrayList<>(AllowList.DEFAULTS);
        all.addAll(userAllow);
        List<String> advised = new ArrayList<>();
        for (String e : all) {
            if (!e.endsWith(".") && !AllowList.STACK_ONLY.contains(e)
                    && (executors || !AllowList.ADVISED_WITH_EXECUTORS_ONLY.contains(e) || userAllow.contains(e))) {
                advised.add(e);
            }
        }
        return advised;
    }

    /** Each user entry must name a class (and method) that exists; else one warning naming it. */
    static List<String> checkAllowList(List<String> userAllow) {
        List<String> warnings = new ArrayList<>();
        for (String entry : userAllow) {
            String cls = className(entry);
            String method = methodName(entry);
            String problem = null;
            Boolean declares = declares(cls, method);
            if (declares == null) {
                problem = "no class " + cls + " on the class path";
            } else if (!declares) {
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

    /**
     * Whether {@code cls} or a superclass declares {@code method} (null: any method will do), read from their
     * class files on the system class path, never loaded; null when there is no such class. A superclass that
     * cannot be read gives the entry the benefit of the doubt.
     */
    private static Boolean declares(String cls, String method) {
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        String name = cls.replace('.', '/');
        boolean first = true;
        while (name != null) {
            try (InputStream in = loader.getResourceAsStream(name + ".class")) {
                if (in == null) {
                    return first ? null : Boolean.TRUE;
                }
                if (method == null) {
                    return true;
                }
                ClassReader reader = new ClassReader(in.readAllBytes());
                boolean[] found = new boolean[1];
                reader.accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String n, String d, String s, String[] e) {
                        found[0] |= n.equals(method);
                        return null;
                    }
                }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
                if (found[0]) {
                    return true;
                }
                name = reader.getSuperName();
                first = false;
            } catch (Exception e) {
                return first ? null : Boolean.TRUE;
            }
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

    /**
     * A blocking call of each basic kind, made on a thread marked as a loop, must be counted: checked on a thread
     * of its own, which says what is missing and why (once), and is gone within milliseconds. Nothing waits for it.
     */
    static void canary(CallSiteRewriter rewriter) {
        Thread thread = new Thread(new CanaryCheck(rewriter), "loopwatch-canary");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }

    /** The canary's thread; a class rather than a lambda, which would cost the start a generated class. */
    private static final class CanaryCheck implements Runnable {
        private final CallSiteRewriter rewriter;

        CanaryCheck(CallSiteRewriter rewriter) {
            this.rewriter = rewriter;
        }

        @Override
        public void run() {
            List<String> missing = new ArrayList<>();
            IntConsumer canary = null;
            try {
                canary = (IntConsumer) Class.forName(CANARY_CLASS, true, ClassLoader.getSystemClassLoader())
                        .getConstructor().newInstance();
            } catch (Throwable t) {
                missing.add("its class could not be loaded (" + t + ")");
            }
            LoopSlot slot = canary == null ? null : Loops.enterLoop(null);
            if (canary != null && slot == null) {
                missing.add("the canary thread could not be marked as a loop");
            } else if (slot != null) {
                BlockingRing ring = Blocking.ringOf(slot);
                ring.markCanary();
                try {
                    check(ring, "java.lang.Thread.sleep", "java.lang.Thread", rewriter, missing, canary, Canary.SLEEP);
                    check(ring, "java.lang.Object.wait", "java.lang.Object", rewriter, missing, canary, Canary.WAIT);
                    check(ring, "java.util.concurrent.locks.LockSupport.parkNanos",
                            "java.util.concurrent.locks.LockSupport", rewriter, missing, canary, Canary.PARK);
                } finally {
                    Loops.exitLoop(slot);
                }
            }
            for (String m : missing) {
                Diagnostics.once("canary:" + m, "loopwatch: blocking-call canary: " + m);
            }
        }
    }

    private static void check(BlockingRing ring, String call, String type, CallSiteRewriter rewriter,
                              List<String> missing, IntConsumer canary, int which) {
        int id = JdkBlockingTable.id(call);
        long before = ring.count(id);
        try {
            canary.accept(which);
        } catch (Throwable t) {
            missing.add(call + " failed on the canary thread (" + t + ")");
            return;
        }
        if (ring.count(id) > before) {
            return;
        }
        boolean substituted = false;
        for (JdkBlockingTable.Substitute s : JdkBlockingTable.substitutes()) {
            substituted |= s.name().equals(call);
        }
        String why;
        if (substituted) {
            String failure = Diagnostics.failures().get("instrumentation call-site rewrite of " + CANARY_CLASS);
            why = "it is native on this JDK and its call sites are rewritten, but the rewrite did not apply"
                    + (rewriter == null ? " (no rewrite)" : failure == null ? "" : " (" + failure + ")");
        } else if (!Instrumentations.applied().getOrDefault(LINE, List.of()).contains(type)) {
            String failure = Diagnostics.failures().get("instrumentation " + LINE + " of " + type);
            why = "the advice was not applied to " + type + (failure == null ? "" : " (" + failure + ")");
        } else {
            why = "the advice is in " + type + " but recorded nothing (is java.base able to read the bridge?)";
        }
        missing.add(call + " on a loop was not seen: " + why + "; such calls will not be reported");
    }
}
