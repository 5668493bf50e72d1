package dev.loopwatch.agent.weave;

/**
 * Redirects method calls in a class file's bytes, in place: each chosen {@code invokevirtual},
 * {@code invokeinterface} or {@code invokestatic} becomes an {@code invokestatic} of a method whose reference is
 * appended to the constant pool, and nothing else in the class changes. A redirect's target takes the receiver (if
 * any) and the same arguments, and returns the same type, so the operand stack is the same after it as after the
 * call it replaces; the new instruction has the old one's length ({@code invokeinterface}'s two extra bytes become
 * {@code nop}s), so no offset, branch, exception range or stack map frame moves.
 *
 * <p>Why not ASM: writing a class through ASM copies its whole constant pool into ASM's symbol table and re-encodes
 * the methods it changes; a class that only needs a call redirected costs a few milliseconds that way while it
 * loads, with a cold ASM, on the thread that loads it (a service's {@code main}, or a loop). Here it costs one walk
 * of the pool and of the code. JDK types only, like {@link ConstantPool}.
 */
public final class CallPatch {
    /** Calls to {@code name descriptor} (of {@code owner}, or of any owner when null) become calls to {@code to...}. */
    public record Redirect(boolean isStatic, String owner, String name, String descriptor, String toName,
                           String toDescriptor) {
        /** Whether this redirect takes a call decoded by ASM (its opcode, owner, name and descriptor). */
        public boolean matches(int opcode, String callOwner, String callName, String callDescriptor) {
            return isStatic == (opcode == INVOKESTATIC) && (opcode == INVOKESTATIC || opcode == INVOKEVIRTUAL
                    || opcode == INVOKEINTERFACE) && name.equals(callName) && descriptor.equals(callDescriptor)
                    && (owner == null || owner.equals(callOwner));
        }
    }

    /** Which methods' calls are left as they are (the allow-list). */
    public interface Skip {
        /** @param className the class's binary name ({@code com.acme.Poller}) */
        boolean skips(String className, String methodName);
    }

    /** Thrown when the class file holds something this patcher does not decode: the caller uses ASM instead. */
    public static final class Unreadable extends Exception {
        Unreadable(String why) {
            super(why, null, false, false);
        }
    }

    private static final int INVOKEVIRTUAL = 0xB6;
    private static final int INVOKESTATIC = 0xB8;
    private static final int INVOKEINTERFACE = 0xB9;

    private CallPatch() {
    }

    /**
     * The class with every call matching a redirect, outside the skipped methods, redirected to
     * {@code toOwner}; null when it has none.
     *
     * @throws Unreadable when the class file cannot be walked here (an unknown constant or opcode, a full pool)
     */
    public static byte[] apply(byte[] bytes, Redirect[] redirects, String toOwner, Skip skip) throws Unreadable {
        try {
            return applyOrThrow(bytes, redirects, toOwner, skip);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            throw new Unreadable("truncated class file");
        }
    }

    private static byte[] applyOrThrow(byte[] bytes, Redirect[] redirects, String toOwner, Skip skip)
            throws Unreadable {
        ConstantPool pool = ConstantPool.of(bytes);
        if (pool == null) {
            throw new Unreadable("unknown constant pool tag");
        }
        // Which pool entries are calls to redirect, and to which redirect (+1; 0: none).
        int[] redirectOf = new int[pool.count()];
        boolean any = false;
        for (int i = 1; i < pool.count(); i++) {
            int tag = pool.tag(i);
            if (tag == 10 || tag == 11) {
                int r = match(pool, i, redirects);
                redirectOf[i] = r + 1;
                any |= r >= 0;
            }
        }
        if (!any) {
            return null;
        }
        String className = pool.className(pool.indexAt(pool.end() + 2)).replace('/', '.');
        int[] sites = new int[8]; // offset of each instruction to patch, and its redirect, in pairs
        int found = 0;
        int at = pool.end() + 6;                                    // access, this, super
        at += 2 + 2 * ConstantPool.u2(bytes, at);                   // interfaces
        int fields = ConstantPool.u2(bytes, at);
        at += 2;
        for (int f = 0; f < fields; f++) {
            at = skipAttributes(bytes, at + 6);
        }
        int methods = ConstantPool.u2(bytes, at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            int name = pool.indexAt(at + 2);
            int attributes = ConstantPool.u2(bytes, at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = ConstantPool.u4(bytes, at + 2);
                if (pool.spells(pool.indexAt(at), "Code")) {
                    int code = at + 14;
                    int end = code + ConstantPool.u4(bytes, at + 10);
                    int methodSites = found;
                    for (int i = code; i < end; i = next(bytes, i, code)) {
                        int op = bytes[i] & 0xFF;
                        if (op == INVOKEVIRTUAL || op == INVOKESTATIC || op == INVOKEINTERFACE) {
                            int r = redirectOf[ConstantPool.u2(bytes, i + 1)] - 1;
                            if (r >= 0 && redirects[r].isStatic() == (op == INVOKESTATIC)) {
                                if (found + 2 > sites.length) {
                                    sites = java.util.Arrays.copyOf(sites, sites.length * 2);
                                }
                                sites[found++] = i;
                                sites[found++] = r;
                            }
                        }
                    }
                    if (found > methodSites && skip.skips(className, pool.utf8(name))) {
                        found = methodSites; // asked only of the methods that make such a call
                    }
                }
                at += 6 + length;
            }
        }
        if (found == 0) {
            return null;
        }
        return patched(bytes, pool, redirects, toOwner, sites, found);
    }

    /** The index of the redirect that method reference {@code ref} matches, or -1. */
    private static int match(ConstantPool pool, int ref, Redirect[] redirects) {
        int owner = pool.field(pool.field(ref, 0), 0);
        int nameAndType = pool.field(ref, 1);
        int name = pool.field(nameAndType, 0);
        int descriptor = pool.field(nameAndType, 1);
        for (int r = 0; r < redirects.length; r++) {
            Redirect d = redirects[r];
            if (pool.spells(name, d.name()) && pool.spells(descriptor, d.descriptor())
                    && (d.owner() == null || pool.spells(owner, d.owner()))) {
                return r;
            }
        }
        return -1;
    }

    /** The class with the new pool entries appended and the call sites rewritten. */
    private static byte[] patched(byte[] bytes, ConstantPool pool, Redirect[] redirects, String toOwner, int[] sites,
                                  int found) throws Unreadable {
        java.io.ByteArrayOutputStream entries = new java.io.ByteArrayOutputStream();
        int next = pool.count();
        int ownerUtf8 = next++;
        utf8(entries, toOwner);
        int ownerClass = next++;
        entries.write(7);
        u2(entries, ownerUtf8);
        int[] methodRef = new int[redirects.length];
        for (int s = 1; s < found; s += 2) {
            int r = sites[s];
            if (methodRef[r] != 0) {
                continue;
            }
            int name = next++;
            utf8(entries, redirects[r].toName());
            int descriptor = next++;
            utf8(entries, redirects[r].toDescriptor());
            int nameAndType = next++;
            entries.write(12);
            u2(entries, name);
            u2(entries, descriptor);
            methodRef[r] = next++;
            entries.write(10);
            u2(entries, ownerClass);
            u2(entries, nameAndType);
        }
        if (next > 0xFFFF) {
            throw new Unreadable("constant pool full");
        }
        byte[] added = entries.toByteArray();
        byte[] out = new byte[bytes.length + added.length];
        System.arraycopy(bytes, 0, out, 0, pool.end());
        out[8] = (byte) (next >>> 8);
        out[9] = (byte) next;
        System.arraycopy(added, 0, out, pool.end(), added.length);
        System.arraycopy(bytes, pool.end(), out, pool.end() + added.length, bytes.length - pool.end());
        for (int s = 0; s < found; s += 2) {
            int i = sites[s] + added.length;
            int op = out[i] & 0xFF;
            int ref = methodRef[sites[s + 1]];
            out[i] = (byte) INVOKESTATIC;
            out[i + 1] = (byte) (ref >>> 8);
            out[i + 2] = (byte) ref;
            if (op == INVOKEINTERFACE) {
                out[i + 3] = 0; // nop: the count and zero byte invokestatic has not
                out[i + 4] = 0;
            }
        }
        return out;
    }

    /**
     * The offset of the instruction after the one at {@code i}, in code starting at {@code code} (the switches pad to
     * a multiple of four from there).
     */
    static int next(byte[] bytes, int i, int code) throws Unreadable {
        int op = bytes[i] & 0xFF;
        switch (op) {
            case 0x10: case 0x12: case 0x15: case 0x16: case 0x17: case 0x18: case 0x19:
            case 0x36: case 0x37: case 0x38: case 0x39: case 0x3A: case 0xA9: case 0xBC:
                return i + 2;                           // bipush, ldc, loads, stores, ret, newarray
            case 0x11: case 0x13: case 0x14: case 0x84:
            case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7: case 0xB8:
            case 0xBB: case 0xBD: case 0xC0: case 0xC1: case 0xC6: case 0xC7:
                return i + 3;                           // sipush, ldc_w, ldc2_w, iinc, fields, invokes, types, ifnull
            case 0xC5:
                return i + 4;                           // multianewarray
            case 0xB9: case 0xBA: case 0xC8: case 0xC9:
                return i + 5;                           // invokeinterface, invokedynamic, goto_w, jsr_w
            case 0xC4:
                return i + ((bytes[i + 1] & 0xFF) == 0x84 ? 6 : 4);    // wide iinc, wide load/store/ret
            case 0xAA: {                                // tableswitch
                int at = i + 1 + pad(i - code);
                int low = ConstantPool.u4(bytes, at + 4);
                int high = ConstantPool.u4(bytes, at + 8);
                return at + 12 + 4 * (high - low + 1);
            }
            case 0xAB: {                                // lookupswitch
                int at = i + 1 + pad(i - code);
                return at + 8 + 8 * ConstantPool.u4(bytes, at + 4);
            }
            default:
                if (op <= 0x0F || (op >= 0x1A && op <= 0x35) || (op >= 0x3B && op <= 0x83)
                        || (op >= 0x85 && op <= 0x98) || (op >= 0xAC && op <= 0xB1) || op == 0xBE || op == 0xBF
                        || op == 0xC2 || op == 0xC3) {
                    return i + 1;
                }
                if (op >= 0x99 && op <= 0xA8) {
                    return i + 3;                       // if<cond>, if_<cmp>, goto, jsr
                }
                throw new Unreadable("unknown opcode " + op);
        }
    }

    /** The padding after a switch opcode at {@code pc}: its operands start at a multiple of four. */
    private static int pad(int pc) {
        return (4 - ((pc + 1) & 3)) & 3;
    }

    private static void utf8(java.io.ByteArrayOutputStream out, String ascii) {
        out.write(1);
        u2(out, ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            out.write(ascii.charAt(i));
        }
    }

    private static void u2(java.io.ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
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
