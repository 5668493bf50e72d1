package dev.loopwatch.it;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A second agent for the abort tests: shows the bytes a class runs with after loopwatch. It registers a
 * transformer only when asked, after loopwatch's, and retransforms the class, so the transformer sees
 * what loopwatch made of it; {@link #sameAsOnDisk(Class)} compares that with the class file on disk.
 */
public final class BytesAgent {
    private static volatile Instrumentation instrumentation;

    private BytesAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    /** A jar holding only the manifest (the class itself is on the fixture's class path). */
    static Path writeJar(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", BytesAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("bytes-agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    /**
     * "same" (byte for byte), "unchanged" (same size and no reference to loopwatch: HotSpot hands a
     * retransformation the class rebuilt from its internal form, whose attribute order may differ from the
     * file when no transformer changed the class at load), "changed (N bytes more, calls Abort.check)".
     */
    static String compare(Class<?> type) throws Exception {
        Instrumentation inst = instrumentation;
        if (inst == null) {
            return "no agent";
        }
        byte[][] seen = new byte[1][];
        ClassFileTransformer capture = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain pd, byte[] bytes) {
                if (redefined == type) {
                    seen[0] = bytes.clone();
                }
                return null;
            }
        };
        inst.addTransformer(capture, true);
        try {
            inst.retransformClasses(type);
        } finally {
            inst.removeTransformer(capture);
        }
        byte[] disk;
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            disk = in.readAllBytes();
        }
        if (seen[0] == null) {
            return "not seen";
        }
        if (Arrays.equals(seen[0], disk)) {
            return "same";
        }
        String text = new String(seen[0], java.nio.charset.StandardCharsets.ISO_8859_1);
        if (seen[0].length == disk.length && !text.contains("dev/loopwatch/bridge/")) {
            return "unchanged";
        }
        return "changed (" + (seen[0].length - disk.length) + " bytes more"
                + (text.contains("dev/loopwatch/bridge/Abort") ? ", calls Abort.check)" : ")");
    }
}
