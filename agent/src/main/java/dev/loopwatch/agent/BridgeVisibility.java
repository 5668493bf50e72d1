package dev.loopwatch.agent;

import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.Diagnostics;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Whether a class can link to the bridge, which woven code calls: the bridge is in the bootstrap loader's unnamed
 * module, so a class must be in a loader that delegates {@code dev.loopwatch.bridge} to the bootstrap loader (every
 * JDK loader does; an isolating one, like JBoss Modules, may not), and in a module that reads the bridge's (a named
 * module is given the read edge here, the sanctioned way for an agent). A class that could not link is left as it
 * is, and said once per loader: woven anyway, its hooked methods would throw {@code NoClassDefFoundError}.
 */
final class BridgeVisibility {
    private final Instrumentation inst;
    private final Module bridge = Loops.class.getModule();
    /**
     * Whether the bridge is the bootstrap loader's: the JDK's classes can link to it only then (the agent keeps a
     * copy found already loaded elsewhere, see {@code BootstrapBridge}; the JDK's classes are then left alone).
     */
    private final boolean inBootstrapLoader;
    private final Map<ClassLoader, Boolean> loaders = new WeakHashMap<>();

    BridgeVisibility(Instrumentation inst) {
        this(inst, Loops.class.getClassLoader() == null);
    }

    private BridgeVisibility(Instrumentation inst, boolean inBootstrapLoader) {
        this.inst = inst;
        this.inBootstrapLoader = inBootstrapLoader;
    }

    /** For tests that weave class files without loading them: every loader sees the bridge. */
    static BridgeVisibility assumed() {
        return new BridgeVisibility(null, true);
    }

    boolean visibleFrom(Module module, ClassLoader loader, String className) {
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            if (!inBootstrapLoader) {
                Diagnostics.once("bridge-jdk", "loopwatch: its bridge is not in the bootstrap class loader (it was loaded"
                        + " from the class path before the agent started); the JDK's classes are not instrumented, so"
                        + " blocking calls are not reported");
                return false;
            }
        }
        if (module != null && module.isNamed() && !module.canRead(bridge)) {
            try {
                inst.redefineModule(module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
            } catch (Throwable t) {
                Diagnostics.once("bridge-module:" + module.getName(), "loopwatch: module " + module.getName()
                        + " cannot read loopwatch's bridge (" + t + "); its classes are not instrumented");
                return false;
            }
        }
        if (loader == null || loader == ClassLoader.getSystemClassLoader() || loader == ClassLoader.getPlatformClassLoader()) {
            return true; // the bridge is theirs, or their parent's
        }
        Boolean known;
        synchronized (loaders) {
            known = loaders.get(loader);
        }
        if (known == null) {
            known = delegatesTheBridge(loader);
            synchronized (loaders) {
                loaders.put(loader, known);
            }
            if (!known) {
                Diagnostics.once("bridge-loader:" + loader.getClass().getName(), "loopwatch: classes of "
                        + loader.getClass().getName() + " (first: " + className + ") cannot see loopwatch's bridge"
                        + " (the loader does not delegate dev.loopwatch.bridge to the bootstrap loader); they are not"
                        + " instrumented");
            }
        }
        return known;
    }

    private static boolean delegatesTheBridge(ClassLoader loader) {
        try {
            return Class.forName(Loops.class.getName(), false, loader) == Loops.class;
        } catch (Throwable t) {
            return false;
        }
    }
}
