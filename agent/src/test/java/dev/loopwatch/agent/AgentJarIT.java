package dev.loopwatch.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shaded jar users put behind -javaagent: its manifest, and nothing unrelocated inside. */
class AgentJarIT {
    private static final Path JAR = Path.of(System.getProperty("loopwatch.it.agentJar", "target/loopwatch-agent.jar"));

    @Test
    void manifestDeclaresTheAgent() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.loopwatch.agent.AgentMain", main.getValue("Premain-Class"));
            assertEquals("dev.loopwatch.agent.AgentMain", main.getValue("Agent-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertEquals("dev.loopwatch.agent.Cli", main.getValue("Main-Class"));
        }
    }

    @Test
    void everyClassIsLoopwatchsOwnOrRelocated() throws Exception {
        List<String> stray = new ArrayList<>();
        int shaded = 0;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = entry.getName();
                if (name.startsWith("dev/loopwatch/shaded/asm/")) {
                    shaded++;
                }
                boolean ok = name.startsWith("META-INF/") && !name.endsWith(".class")
                        || name.startsWith("dev/loopwatch/") || name.equals("dev/");
                if (!ok || name.endsWith("module-info.class") || name.startsWith("META-INF/versions/")) {
                    stray.add(name);
                }
            }
        }
        assertEquals(List.of(), stray, "entries outside dev/loopwatch/ (unrelocated ASM, module-info)");
        assertTrue(shaded > 20, "relocated ASM present: " + shaded);
    }

    /** The agent defines its listed bridge classes in the bootstrap loader: the list must be the jar's bridge. */
    @Test
    void theListedBridgeClassesAreTheJarsBridgePackage() throws Exception {
        java.util.Set<String> inJar = new java.util.TreeSet<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = entry.getName();
                if ((name.startsWith(BootstrapBridge.PACKAGE) || name.equals("dev/loopwatch/TaskTimeoutException.class"))
                        && name.endsWith(".class")) {
                    inJar.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        assertEquals(inJar, new java.util.TreeSet<>(BootstrapBridge.CLASSES));
    }

    /**
     * Under -javaagent every class of the jar is defined in the bootstrap loader, which finds JDK classes and the
     * jar's own only: a class that links to a library (SLF4J, Netty) must reach it by reflection, through a loader
     * it is given. Checked on the constant pool's class references and member descriptors.
     */
    @Test
    void everyClassLinksToJdkAndLoopwatchTypesOnly() throws Exception {
        List<String> foreign = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                dev.loopwatch.agent.weave.ConstantPool pool =
                        dev.loopwatch.agent.weave.ConstantPool.of(jar.getInputStream(entry).readAllBytes());
                for (int i = 1; i < pool.count(); i++) {
                    String types = pool.tag(i) == 7 ? "L" + pool.className(i) + ";"
                            : pool.tag(i) == 12 ? pool.utf8(pool.field(i, 1)) : "";
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("L([^;]+);").matcher(types);
                    while (m.find()) {
                        String type = m.group(1).replaceFirst("^\\[+L?", "");
                        // The attach command alone links to jdk.attach: it runs in a JVM of its own, never in the
                        // service, and the agent leaves it out of the bootstrap loader.
                        boolean attachApi = entry.getName().equals(BootstrapAgentLoader.ATTACH_COMMAND + ".class")
                                && type.startsWith("com/sun/tools/attach/");
                        if (type.length() > 1 && !attachApi && !type.matches("(java|javax|jdk|sun|dev/loopwatch)/.*")) {
                            foreign.add(entry.getName() + " -> " + type);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), foreign);
    }

    /**
     * The one entry premain defines the classes from ({@link BootstrapClassesWriter}): exactly the jar's classes but
     * those left to the system class loader, byte for byte, uncompressed, each after its supertypes in the jar.
     */
    @Test
    void theBootstrapClassesEntryHoldsTheJarsClassesSupertypesFirst() throws Exception {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(JAR.toFile())) {
            java.util.zip.ZipEntry entry = zip.getEntry(BootstrapAgentLoader.CLASSES_ENTRY);
            assertTrue(entry != null, "no " + BootstrapAgentLoader.CLASSES_ENTRY + " in " + JAR);
            assertEquals(java.util.zip.ZipEntry.STORED, entry.getMethod(), "stored, not deflated: read in one go");
            java.util.Map<String, byte[]> classes = BootstrapAgentLoader.readClasses(zip);
            java.io.DataInputStream in = new java.io.DataInputStream(zip.getInputStream(entry));
            assertEquals(BootstrapAgentLoader.MAGIC, in.readInt());
            assertEquals(BootstrapAgentLoader.FORMAT, in.readInt());
            int count = in.readInt();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int supertypes = in.readUnsignedByte();
                for (int k = 0; k < supertypes; k++) {
                    String supertype = in.readUTF();
                    assertTrue(!classes.containsKey(supertype) || seen.contains(supertype), name + " before " + supertype);
                }
                byte[] code = in.readNBytes(in.readInt());
                assertTrue(java.util.Arrays.equals(classes.get(name), code), name + " as in the jar");
                seen.add(name);
            }
            assertEquals(classes.keySet(), seen);
            assertTrue(!seen.contains("dev/loopwatch/agent/AgentMain"), "AgentMain stays with the system class loader");
        }
    }

    @Test
    void bridgeClassesUseJdkTypesOnly() throws Exception {
        // The bridge is defined in the bootstrap loader: a reference to any non-JDK type would fail there.
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                if (entry.getName().startsWith("dev/loopwatch/bridge/") && entry.getName().endsWith(".class")) {
                    String constants = new String(jar.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    for (String foreign : List.of("dev/loopwatch/core", "dev/loopwatch/agent", "dev/loopwatch/shaded",
                            "io/netty", "org/slf4j")) {
                        assertTrue(!constants.contains(foreign), entry.getName() + " refers to " + foreign);
                    }
                }
            }
        }
    }
}
