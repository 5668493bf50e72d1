package dev.loopwatch.agent.weave;

/**
 * The constant pool of a class file, read in place: where each entry starts. JDK types only, and no other class of
 * the agent's, since it also serves {@code BootstrapAgentLoader} before the agent's classes are defined.
 */
public final class ConstantPool {
    private final byte[] bytes;
    /** The offset of each entry's tag, by index (0 and the second slot of a long or double unused). */
    private final int[] offsets;
    /** The offset of the first byte after the pool (the class's access flags). */
    private final int end;

    private ConstantPool(byte[] bytes, int[] offsets, int end) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.end = end;
    }

    /** The class file's pool, or null when it holds a tag this reader does not know (a future class file). */
    public static ConstantPool of(byte[] bytes) {
        int count = u2(bytes, 8);
        int[] offsets = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = at;
            switch (bytes[at]) {
                case 1: at += 3 + u2(bytes, at + 1); break;                                  // Utf8
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: at += 5; break;
                case 5: case 6: at += 9; i++; break;                                         // two slots
                case 7: case 8: case 16: case 19: case 20: at += 3; break;
                case 15: at += 4; break;                                                     // MethodHandle
                default: return null;
            }
        }
        return new ConstantPool(bytes, offsets, at);
    }

    public int count() {
        return offsets.length;
    }

    public int end() {
        return end;
    }

    /** The tag of entry {@code index} (0 for an unused slot). */
    public int tag(int index) {
        return offsets[index] == 0 ? 0 : bytes[offsets[index]];
    }

    /** The constant pool index stored at {@code at} in the class file. */
    public int indexAt(int at) {
        return u2(bytes, at);
    }

    /** Entry {@code index}'s {@code n}-th two-byte field (a Class's name, a Methodref's class and name-and-type...). */
    public int field(int index, int n) {
        return u2(bytes, offsets[index] + 1 + 2 * n);
    }

    /** Whether Utf8 entry {@code index} spells exactly {@code ascii}. */
    public boolean spells(int index, String ascii) {
        int at = offsets[index];
        int length = u2(bytes, at + 1);
        if (ascii.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[at + 3 + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Utf8 entry {@code index}'s text (modified UTF-8, decoded as ASM does). */
    public String utf8(int index) {
        int at = offsets[index];
        int length = u2(bytes, at + 1);
        char[] chars = new char[length];
        int n = 0;
        for (int i = at + 3, stop = i + length; i < stop; ) {
            int b = bytes[i++] & 0xFF;
            if (b < 0x80) {
                chars[n++] = (char) b;
            } else if (b < 0xE0) {
                chars[n++] = (char) (((b & 0x1F) << 6) | (bytes[i++] & 0x3F));
            } else {
                chars[n++] = (char) (((b & 0x0F) << 12) | ((bytes[i++] & 0x3F) << 6) | (bytes[i++] & 0x3F));
            }
        }
        return new String(chars, 0, n);
    }

    /** The internal name of Class entry {@code index}. */
    public String className(int index) {
        return utf8(field(index, 0));
    }

    /** The internal names of the class's superclass (none for {@code Object}) and interfaces. */
    public String[] supertypes() {
        int superIndex = u2(bytes, end + 4);
        int interfaces = u2(bytes, end + 6);
        String[] names = new String[(superIndex == 0 ? 0 : 1) + interfaces];
        int n = 0;
        if (superIndex != 0) {
            names[n++] = className(superIndex);
        }
        for (int i = 0; i < interfaces; i++) {
            names[n++] = className(u2(bytes, end + 8 + 2 * i));
        }
        return names;
    }

    public static int u2(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    public static int u4(byte[] bytes, int at) {
        return (u2(bytes, at) << 16) | u2(bytes, at + 2);
    }
}
