package dev.loopwatch.agent;

import dev.loopwatch.agent.weave.ConstantPool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step, run on the shaded agent jar as it is packaged (see the agent's pom): adds
 * {@value BootstrapAgentLoader#CLASSES_ENTRY}, every class that {@link BootstrapAgentLoader} defines in the bootstrap
 * loader, uncompressed, supertypes first, so that {@code premain} reads one entry and defines in order. The classes
 * stay in the jar as they are too: a late attach loads them from it, and so do the JVM's own launcher classes.
 *
 * <p>{@code java ... BootstrapClassesWriter <agent jar>}; rewrites the jar in place.
 */
public final class BootstrapClassesWriter {
    private BootstrapClassesWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        byte[] entry;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            entry = classesEntry(new TreeMap<>(BootstrapAgentLoader.readClasses(zip)));
        }
        Path next = jar.resolveSibling(jar.getFileName() + ".next");
        try (ZipFile zip = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(next))) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.getName().equals(BootstrapAgentLoader.CLASSES_ENTRY)) {
                    continue; // a jar written before: replaced
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream in = zip.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            ZipEntry stored = new ZipEntry(BootstrapAgentLoader.CLASSES_ENTRY);
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(entry.length);
            stored.setCompressedSize(entry.length);
            CRC32 crc = new CRC32();
            crc.update(entry);
            stored.setCrc(crc.getValue());
            out.putNextEntry(stored);
            out.write(entry);
            out.closeEntry();
        }
        Files.move(next, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The entry's bytes: the classes by name, in define order (see {@code BootstrapAgentLoader.defineInOrder}). */
    static byte[] classesEntry(Map<String, byte[]> classes) throws IOException {
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        for (String name : classes.keySet()) {
            order(name, classes, ordered);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(BootstrapAgentLoader.MAGIC);
        out.writeInt(BootstrapAgentLoader.FORMAT);
        out.writeInt(ordered.size());
        for (Map.Entry<String, List<String>> e : ordered.entrySet()) {
            byte[] code = classes.get(e.getKey());
            out.writeUTF(ascii(e.getKey()));
            out.writeByte(e.getValue().size());
            for (String supertype : e.getValue()) {
                out.writeUTF(ascii(supertype));
            }
            out.writeInt(code.length);
            out.write(code);
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** The agent reads the names as ASCII, in place (see {@code BootstrapAgentLoader.defineInOrder}). */
    private static String ascii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                throw new IllegalArgumentException("a class name the agent cannot read in place: " + name);
            }
        }
        return name;
    }

    /** Appends the class after its supertypes in the jar, with the supertypes it needs outside {@code java.*}. */
    private static void order(String name, Map<String, byte[]> classes, Map<String, List<String>> ordered) {
        if (ordered.containsKey(name)) {
            return;
        }
        ConstantPool pool = ConstantPool.of(classes.get(name));
        if (pool == null) {
            throw new IllegalStateException("cannot read the class file of " + name);
        }
        List<String> needed = new ArrayList<>();
        for (String supertype : pool.supertypes()) {
            if (classes.containsKey(supertype)) {
                order(supertype, classes, ordered);
            }
            if (!supertype.startsWith("java/")) {
                needed.add(supertype);
            }
        }
        ordered.put(name, needed);
    }
}
