package dev.loopwatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the bridge package ({@code dev.loopwatch.bridge}, JDK types only) in the bootstrap class
 * loader, so that advice inlined into classes of any loader, the JDK's included, links to one copy.
 *
 * <p>Why not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: on JDK 17 it makes the JVM
 * print "Sharing is only supported for boot loader classes because bootstrap classpath has been
 * appended" and turns class-data sharing off for application classes. Instead the classes are defined
 * one by one with the JDK's internal {@code Unsafe.defineClass} and a null loader; the agent opens
 * {@code jdk.internal.misc} to itself with {@link Instrumentation#redefineModule}, the sanctioned way
 * for an agent, so no {@code --add-opens} flag and no {@code sun.misc.Unsafe} warning.
 */
final class BootstrapBridge {
    static final String PACKAGE = "dev/loopwatch/bridge/";
    /**
     * Every class the bootstrap loader gets, superclasses first. The exception of action=abort is among them: it is
     * thrown by the bridge into application code, which catches it by this name, so it must be one class for every
     * loader. Listed rather than found by listing the agent jar, which meant opening the jar a second time in
     * {@code premain}; {@code AgentJarIT} checks the list against the jar.
     */
    static final List<String> CLASSES = List.of("dev.loopwatch.TaskTimeoutException",
            "dev.loopwatch.bridge.LoopSlotLeftPad", "dev.loopwatch.bridge.LoopSlotSeq",
            "dev.loopwatch.bridge.LoopSlotRightPad", "dev.loopwatch.bridge.LoopSlotFields", "dev.loopwatch.bridge.LoopSlot",
            "dev.loopwatch.bridge.BlockingRing$Consumer", "dev.loopwatch.bridge.BlockingRing",
            "dev.loopwatch.bridge.DurationHistogram",
            "dev.loopwatch.bridge.Blocking", "dev.loopwatch.bridge.Loops", "dev.loopwatch.bridge.Abort",
            "dev.loopwatch.bridge.Continuations", "dev.loopwatch.bridge.SliceUnit", "dev.loopwatch.bridge.SliceFallbacks",
            "dev.loopwatch.bridge.SliceRefusals", "dev.loopwatch.bridge.Slices",
            "dev.loopwatch.bridge.Slices$1", "dev.loopwatch.bridge.Slices$2", "dev.loopwatch.bridge.Slices$Start",
            "dev.loopwatch.bridge.Slices$Resume");

    private BootstrapBridge() {
    }

    static void inject(Instrumentation inst) throws Exception {
        for (Class<?> loaded : inst.getAllLoadedClasses()) {
            if (loaded.getName().startsWith("dev.loopwatch.bridge.")
                    || loaded.getName().equals("dev.loopwatch.TaskTimeoutException")) {
                // Already linked somewhere (loopwatch started before as a library, or a second agent
                // load): a second copy would split the registry, so keep the one in place.
                return;
            }
        }
        Map<String, byte[]> classes = readBridgeClasses();
        if (classes.isEmpty()) {
            throw new IllegalStateException("the bridge's classes (" + PACKAGE + ") are not beside the agent");
        }
        Module base = Object.class.getModule();
        Module agent = BootstrapBridge.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(agent)),
                Map.of("jdk.internal.misc", Set.of(agent)), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        defineInOrder(classes, unsafe, define);
    }

    /** Superclasses must be defined first; the order in the jar is arbitrary, so retry until done. */
    private static void defineInOrder(Map<String, byte[]> classes, Object unsafe, Method define) throws Exception {
        Map<String, byte[]> pending = new LinkedHashMap<>(classes);
        while (!pending.isEmpty()) {
            List<String> done = new ArrayList<>();
            Throwable last = null;
            for (Map.Entry<String, byte[]> e : pending.entrySet()) {
                byte[] bytes = e.getValue();
                try {
                    define.invoke(unsafe, e.getKey(), bytes, 0, bytes.length, null, null);
                    done.add(e.getKey());
                } catch (java.lang.reflect.InvocationTargetException ex) {
                    last = ex.getCause();
                }
            }
            if (done.isEmpty()) {
                throw new IllegalStateException("cannot define the bridge in the bootstrap loader", last);
            }
            done.forEach(pending::remove);
        }
    }

    /**
     * Binary name to bytes of every class of {@link #CLASSES}, read from the agent's jar (opened here once: a
     * resource look-up through the class loader searches the JDK's modules first, then opens a URL connection per
     * class) or, when the agent runs from a directory of classes (its own tests), from that directory.
     */
    static Map<String, byte[]> readBridgeClasses() throws IOException, URISyntaxException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        CodeSource source = BootstrapBridge.class.getProtectionDomain().getCodeSource();
        Path where = source == null ? null : Path.of(source.getLocation().toURI());
        if (where != null && Files.isRegularFile(where)) {
            try (JarFile jar = new JarFile(where.toFile(), false)) {
                for (String name : CLASSES) {
                    JarEntry entry = jar.getJarEntry(name.replace('.', '/') + ".class");
                    if (entry == null) {
                        return Map.of();
                    }
                    try (InputStream in = jar.getInputStream(entry)) {
                        classes.put(name, in.readAllBytes());
                    }
                }
            }
            return classes;
        }
        ClassLoader loader = BootstrapBridge.class.getClassLoader();
        for (String name : CLASSES) {
            try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    return Map.of();
                }
                classes.put(name, in.readAllBytes());
            }
        }
        return classes;
    }
}
