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
            int count = ((bytes[8] & 0xFF) << 8) | (bytes[9] & 0xFF);
            int at = 10;
            for (int i = 1; i < count; i++) {
                int tag = bytes[at];
                switch (tag) {
                    case 1: {
                        int length = ((bytes[at + 1] & 0xFF) << 8) | (bytes[at + 2] & 0xFF);
                        if (spells(bytes, at + 3, length, a) || spells(bytes, at + 3, length, b)) {
                            return true;
                        }
                        at += 3 + length;
                        break;
                    }
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        at += 5;
                        break;
                    case 5: case 6:
                        at += 9;
                        i++; // takes two entries
                        break;
                    case 7: case 8: case 16: case 19: case 20:
                        at += 3;
                        break;
                    case 15:
                        at += 4;
                        break;
                    default:
                        return true;
                }
            }
            return false;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return true;
        }
    }

    private static boolean spells(byte[] bytes, int at, int length, String ascii) {
        if (ascii == null || ascii.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
