package dev.loopwatch.agent.weave;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

import java.util.HashSet;
import java.util.Set;

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

    /** A method a class may call: its owner's internal name (null: any owner), name and descriptor. */
    public record MethodRef(String owner, String name, String descriptor) {
    }

    /**
     * The methods ({@code name + descriptor}) of the class whose code may call one of {@code targets}, found without
     * decoding an instruction: the constant pool's method references that name a target, then, in each method's
     * code, an invoke opcode followed by one of their indexes. A byte sequence that only looks like such a call
     * (inside another instruction's operands) can add a method that does not call one: the caller then reads that
     * method's code for nothing, never misses one. A class file this cannot walk gives null: read it with ASM.
     */
    public static Set<String> methodsInvoking(byte[] bytes, MethodRef... targets) {
        try {
            ConstantPool pool = ConstantPool.of(bytes);
            if (pool == null) {
                return null;
            }
            boolean[] called = new boolean[pool.count()];
            boolean any = false;
            for (int i = 1; i < pool.count(); i++) {
                int tag = pool.tag(i);
                if ((tag == 10 || tag == 11) && refersTo(pool, i, targets)) {
                    called[i] = true;
                    any = true;
                }
            }
            Set<String> methods = new HashSet<>();
            if (!any) {
                return methods;
            }
            int at = pool.end() + 6;                                    // access, this, super
            at += 2 + 2 * ConstantPool.u2(bytes, at);                   // interfaces
            int fields = ConstantPool.u2(bytes, at);
            at += 2;
            for (int f = 0; f < fields; f++) {
                at = skipAttributes(bytes, at + 6);
            }
            int methodCount = ConstantPool.u2(bytes, at);
            at += 2;
            for (int m = 0; m < methodCount; m++) {
                int name = pool.indexAt(at + 2);
                int descriptor = pool.indexAt(at + 4);
                int attributes = ConstantPool.u2(bytes, at + 6);
                at += 8;
                for (int a = 0; a < attributes; a++) {
                    if (pool.spells(pool.indexAt(at), "Code")
                            && invokes(bytes, at + 14, ConstantPool.u4(bytes, at + 10), called)) {
                        methods.add(pool.utf8(name) + pool.utf8(descriptor));
                    }
                    at += 6 + ConstantPool.u4(bytes, at + 2);
                }
            }
            return methods;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return null;
        }
    }

    private static boolean refersTo(ConstantPool pool, int ref, MethodRef[] targets) {
        int owner = pool.field(pool.field(ref, 0), 0);
        int nameAndType = pool.field(ref, 1);
        int name = pool.field(nameAndType, 0);
        int descriptor = pool.field(nameAndType, 1);
        for (MethodRef target : targets) {
            if (pool.spells(name, target.name()) && pool.spells(descriptor, target.descriptor())
                    && (target.owner() == null || pool.spells(owner, target.owner()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the code has an invoke opcode whose constant pool index is one of {@code called}. */
    private static boolean invokes(byte[] bytes, int code, int length, boolean[] called) {
        for (int i = code, end = code + length - 2; i < end; i++) {
            int op = bytes[i] & 0xFF;
            if (op >= 0xB6 && op <= 0xB9) {            // invokevirtual, invokespecial, invokestatic, invokeinterface
                int index = ConstantPool.u2(bytes, i + 1);
                if (index < called.length && called[index]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int skipAttributes(byte[] bytes, int at) {
        int attributes = ConstantPool.u2(bytes, at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            at += 6 + ConstantPool.u4(bytes, at + 2);
        }
        return at;
    }
}
