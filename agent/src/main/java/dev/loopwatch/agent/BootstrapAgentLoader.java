package dev.loopwatch.agent;

import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.weave.ConstantPool;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Defines every class of the agent jar in the bootstrap class loader, in {@code premain}, before the application's
 * first class: the agent then starts without the bytecode verifier, which the JVM applies to every class of any other
 * loader. Measured on the Netty service of {@code StartupMain} (JDK 17, 2 vCPUs), verifying the agent's classes
 * (about 560 KB, ASM's half of it) and the class loading it drags in was most of what {@code premain} and the first
 * weaving cost: up to 90 ms of CPU before the service's first answer. The classes are javac's and ASM's own,
 * shipped in one jar: trusted like the JDK's.
 *
 * <p>Not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: on JDK 17 it prints a class-data-sharing
 * warning and turns sharing off for the application's classes. So the classes are defined eagerly, one by one,
 * supertypes first, with the JDK's internal {@code Unsafe.defineClass} and a null loader, as the bridge's are
 * ({@link BootstrapBridge}); a class is only parsed here, linked when first used.
 *
 * <p>The build puts the classes to define once more into the jar as one uncompressed entry, {@value #CLASSES_ENTRY},
 * already in an order that defines supertypes first ({@code BootstrapClassesWriter}, run as the jar is packaged):
 * one read instead of inflating about 190 entries and reading each class's supertypes first, measured at about
 * 15 ms less of {@code premain} on 2 vCPUs (JDK 17). A jar without that entry is read class by class.
 *
 * <p>Left to the system class loader: {@link AgentMain} and this class (they run before), and
 * {@code blocking.Canary}, whose calls must go through the call-site rewrite as it loads, and {@link AttachCommand}, the
 * attach command's, which links to {@code jdk.attach} (not a module of the bootstrap loader) and never runs in a service. Once the agent's classes
 * are in the bootstrap loader, the system class loader finds them there first (it asks its parents), so loopwatch
 * on the application's class path too (the JUnit extension's {@code core}) is the same one copy.
 */
final class BootstrapAgentLoader {
    /** The attach command's half that links to {@code jdk.attach}. */
    static final String ATTACH_COMMAND = "dev/loopwatch/agent/AttachCommand";

    /** The entry with every class to define, in define order (see the class comment). */
    static final String CLASSES_ENTRY = "META-INF/loopwatch/bootstrap-classes";
    /** Its first int, then its format's version. */
    static final int MAGIC = 0x4C57_4243; // "LWBC"
    static final int FORMAT = 1;

    static final Set<String> LEFT_OUT = Set.of("dev/loopwatch/agent/AgentMain",
            "dev/loopwatch/agent/BootstrapAgentLoader", CallSiteRewriter.CANARY, ATTACH_COMMAND);

    private BootstrapAgentLoader() {
    }

    /**
     * @return true when the agent's classes are in the bootstrap loader (now, or by an earlier load of the agent);
     *     false when the agent does not run from a jar (its own tests), and stays where it is
     */
    static boolean defineAgent(Instrumentation inst) throws Exception {
        if (inBootstrapLoader("dev.loopwatch.agent.AgentInstaller")) {
            return true;
        }
        File jar = agentJar();
        if (jar == null) {
            return false;
        }
        byte[] ordered;
        Map<String, byte[]> classes = null;
        try (ZipFile zip = new ZipFile(jar)) {
            ZipEntry entry = zip.getEntry(CLASSES_ENTRY);
            ordered = entry == null ? null : read(zip, entry);
            if (ordered == null) {
                classes = readClasses(zip);
            }
        }
        Module base = Object.class.getModule();
        Module self = BootstrapAgentLoader.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(self)), Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        if (ordered != null) {
            defineInOrder(ordered, unsafe, define);
            return true;
        }
        Map<String, Boolean> defined = new HashMap<>(classes.size() * 2);
        for (String name : classes.keySet()) {
            defineWithSupertypes(name, classes, defined, unsafe, define);
        }
        return true;
    }

    /**
     * Defines the classes of {@value #CLASSES_ENTRY}: per class its internal name, the supertypes it needs outside
     * {@code java.*} (the jar's own, defined before it, or a JDK type such as {@code jdk.jfr.Event}), its bytes. A
     * class whose supertype is missing is left out, as {@link #defineWithSupertypes} leaves it out. Read in place
     * rather than through a {@code DataInputStream}, whose {@code readUTF} loop, run for every name, was hot enough
     * for the JIT to compile it while the service starts; the names are ASCII (the build checks), two bytes of length
     * then the bytes, as {@code writeUTF} writes them.
     */
    private static void defineInOrder(byte[] entry, Object unsafe, Method define) throws Exception {
        if (ConstantPool.u4(entry, 0) != MAGIC || ConstantPool.u4(entry, 4) != FORMAT) {
            throw new IllegalStateException(CLASSES_ENTRY + " has another format than this agent reads");
        }
        int count = ConstantPool.u4(entry, 8);
        int at = 12;
        Set<String> defined = new HashSet<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = nameAt(entry, at);
            at += 2 + name.length();
            int supertypes = entry[at++] & 0xFF;
            boolean there = true;
            for (int n = 0; n < supertypes; n++) {
                String supertype = nameAt(entry, at);
                at += 2 + supertype.length();
                there &= defined.contains(supertype) || inRuntime(supertype);
            }
            int length = ConstantPool.u4(entry, at);
            at += 4;
            if (there) {
                define.invoke(unsafe, name.replace('/', '.'), entry, at, length, null, null);
                defined.add(name);
            }
            at += length;
        }
    }

    /** The ASCII name at {@code at}: two bytes of length, then its bytes (one byte a character). */
    private static String nameAt(byte[] entry, int at) {
        return new String(entry, at + 2, ConstantPool.u2(entry, at), StandardCharsets.ISO_8859_1);
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            // The size is in the jar's directory: one array, filled in place.
            long size = entry.getSize();
            return size >= 0 && size < Integer.MAX_VALUE ? in.readNBytes((int) size) : in.readAllBytes();
        }
    }

    private static boolean inBootstrapLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static File agentJar() throws Exception {
        CodeSource source = BootstrapAgentLoader.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        File file = new File(source.getLocation().toURI());
        return file.isFile() ? file : null;
    }

    /** Internal name to bytes of every class in the jar but those {@link #LEFT_OUT}. */
    static Map<String, byte[]> readClasses(ZipFile zip) throws IOException {
        Map<String, byte[]> classes = new HashMap<>(256);
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            String path = entry.getName();
            if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")) {
                continue;
            }
            String name = path.substring(0, path.length() - ".class".length());
            if (!LEFT_OUT.contains(name)) {
                classes.put(name, read(zip, entry));
            }
        }
        return classes;
    }

    /**
     * Defines the class after its supertypes in the jar.
     *
     * @return false when the class is left out: a supertype of the JDK's is not in this runtime (the JFR events'
     *     {@code jdk.jfr.Event} in a jlink'd image without {@code jdk.jfr}); the JVM would refuse the class, and with it
     *     the whole agent. Nothing uses such a class there: its part checks for the module first ({@code JfrSink}).
     */
    private static boolean defineWithSupertypes(String name, Map<String, byte[]> classes, Map<String, Boolean> defined,
                                                Object unsafe, Method define) throws Exception {
        Boolean done = defined.get(name);
        if (done != null) {
            return done;
        }
        defined.put(name, Boolean.FALSE);
        byte[] bytes = classes.get(name);
        ConstantPool pool = ConstantPool.of(bytes);
        if (pool == null) {
            throw new IllegalStateException("cannot read the class file of " + name);
        }
        for (String supertype : pool.supertypes()) {
            boolean there = classes.containsKey(supertype) ? defineWithSupertypes(supertype, classes, defined, unsafe, define)
                    : inRuntime(supertype);
            if (!there) {
                return false;
            }
        }
        define.invoke(unsafe, name.replace('/', '.'), bytes, 0, bytes.length, null, null);
        defined.put(name, Boolean.TRUE);
        return true;
    }

    /** Whether the bootstrap loader has this JDK type: {@code java.*} always; another only if its module is here. */
    private static boolean inRuntime(String type) {
        if (type.startsWith("java/")) {
            return true;
        }
        try {
            Class.forName(type.replace('/', '.'), false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
