package dev.loopwatch.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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
     * The exception of action=abort: thrown by the bridge into application code, which catches it by this
     * name, so it must be one class for every loader: the bootstrap one. JDK types only, like the bridge.
     */
    static final String EXCEPTION = "dev/loopwatch/TaskTimeoutException.class";

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
            throw new IllegalStateException("no " + PACKAGE + " classes found beside the agent");
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

    /** Binary name to bytes of every class of the bridge package, read from wherever the agent found it. */
    static Map<String, byte[]> readBridgeClasses() throws IOException, URISyntaxException {
        URL anchor = BootstrapBridge.class.getClassLoader().getResource(PACKAGE + "Loops.class");
        if (anchor == null) {
            return Map.of();
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (InputStream in = BootstrapBridge.class.getClassLoader().getResourceAsStream(EXCEPTION)) {
            if (in == null) {
                throw new IllegalStateException("no " + EXCEPTION + " beside the agent");
            }
            classes.put(binaryName(EXCEPTION), readAll(in));
        }
        if (anchor.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(anchor.toURI()).getParent())) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".class")) {
                        classes.put(binaryName(PACKAGE + name), Files.readAllBytes(file));
                    }
                }
            }
            return classes;
        }
        JarURLConnection connection = (JarURLConnection) anchor.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = new JarFile(new File(connection.getJarFileURL().toURI()), false)) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = entry.getName();
                if (name.startsWith(PACKAGE) && name.endsWith(".class") && name.indexOf('/', PACKAGE.length()) < 0) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        classes.put(binaryName(name), readAll(in));
                    }
                }
            }
        }
        return classes;
    }

    private static String binaryName(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
