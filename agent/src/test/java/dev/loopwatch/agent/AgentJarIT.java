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
