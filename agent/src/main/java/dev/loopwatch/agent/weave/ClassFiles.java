package dev.loopwatch.agent.weave;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/** Reading class files: newer ones than the bundled ASM knows, and a fast look at the constant pool. */
public final class ClassFiles {
    /** The newest class file version the bundled ASM is known to read (Java 25). */
    static final int NEWEST_KNOWN = Opcodes.V25;

    private ClassFiles() {
    }

    /** The class file's major version. */
    public static int majorVersion(byte[] bytes) {
        return ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
    }

    /**
     * A reader of the class. A class file newer than the bundled ASM accepts (a JDK released after this agent) is
     * read as the newest version it knows: loopwatch only weaves calls into method bodies, which newer versions
     * read and write alike; {@link #withVersionOf} puts the real version back into what is written.
     */
    public static ClassReader reader(byte[] bytes) {
        try {
            return new ClassReader(bytes);
        } catch (IllegalArgumentException tooNew) {
            if (majorVersion(bytes) <= NEWEST_KNOWN) {
                throw tooNew;
            }
            byte[] copy = bytes.clone();
            copy[6] = (byte) (NEWEST_KNOWN >>> 8);
            copy[7] = (byte) NEWEST_KNOWN;
            return new ClassReader(copy);
        }
    }

    /** {@code written}, with the major version of {@code original} (see {@link #reader}). */
    public static byte[] withVersionOf(byte[] original, byte[] written) {
        written[6] = original[6];
        written[7] = original[7];
        return written;
    }

    /** The class's internal name. */
    public static String className(byte[] bytes) {
        ConstantPool pool = ConstantPool.of(bytes);
        return pool == null ? reader(bytes).getClassName() : pool.className(pool.indexAt(pool.end() + 2));
    }

    /**
     * Whether the constant pool holds a {@code CONSTANT_Utf8} entry spelling exactly {@code a} or {@code b} (either
     * may be null): the names of every member a class declares or refers to are such entries. Walks the pool's
     * entries, never the code; a pool it cannot walk counts as a match, so that the caller parses the class.
     */
    public static boolean hasUtf8(byte[] bytes, String a, String b) {
        if (a == null && b == null) {
            return false;
        }
        try {
            ConstantPool pool = ConstantPool.of(bytes);
            if (pool == null) {
                return true;
            }
            for (int i = 1; i < pool.count(); i++) {
                if (pool.tag(i) == 1 && ((a != null && pool.spells(i, a)) || (b != null && pool.spells(i, b)))) {
                    return true;
                }
            }
            return false;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return true;
        }
    }
}
