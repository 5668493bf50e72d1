package dev.loopwatch.agent.blocking;

import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.blocking.AllowList;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites calls to the blocking methods of {@link JdkBlockingTable#substitutes()} ({@code Thread.sleep(long)}
 * where it is native, JDK 17-18; the three {@code Object.wait} on every JDK) into calls to the bridge's
 * substitutes, which record the call around the original. Only method bodies change, so retransformation
 * works without any JVM flag.
 *
 * <p>Scope: every class of a non-JDK loader (the application, its libraries, Netty), except ByteBuddy and
 * loopwatch (its canary excepted). A class whose constant pool has no entry spelling the method's name is
 * left untouched after a byte search, so the cost is one scan per loaded class, plus a parse and a rewrite of
 * the few classes that name a {@code sleep} or {@code wait} member. A JDK class calling {@code Object.wait}, or
 * {@code Thread.sleep(long)} on JDK 17, directly on a loop is not seen (the JDK's blocking APIs park;
 * {@code Thread.join}, which waits, has advice of its own).
 *
 * <p>Call sites inside an allow-listed method ({@link AllowList#allows(StackTraceElement)}, the rule the stack
 * match applies) are left as they are: the call would be allowed anyway, and a class none of whose call sites
 * change is not retransformed at all. That keeps Netty's {@code SingleThreadEventExecutor} (whose only
 * {@code Thread.sleep} is in the allow-listed {@code confirmShutdown}) out of the install into a warm JVM,
 * where retransforming it throws away the compiled code of every loop.
 */
public final class CallSiteRewriter implements ClassFileTransformer {
    static final String BRIDGE = "dev/loopwatch/bridge/Blocking";
    static final String CANARY = "dev/loopwatch/agent/blocking/Canary";

    private final boolean sleep;
    /** The descriptors of the {@code Object.wait} overloads rewritten. */
    private final Set<String> waits = new HashSet<>();
    private final byte[][] needles;
    private final AllowList allow;

    /** @param allow whose methods' call sites are left alone */
    public CallSiteRewriter(List<JdkBlockingTable.Substitute> substitutes, AllowList allow) {
        this.allow = allow;
        boolean s = false;
        for (JdkBlockingTable.Substitute sub : substitutes) {
            s |= sub.method().equals("sleep");
            if (sub.method().equals("wait")) {
                waits.add(sub.descriptor());
            }
        }
        this.sleep = s;
        this.needles = new byte[][] {utf8Constant("sleep"), utf8Constant("wait")};
    }

    /** Whether a class of this name, from this loader, is in scope. */
    public static boolean inScope(ClassLoader loader, String internalName) {
        if (internalName == null) {
            return false;
        }
        if (internalName.equals(CANARY)) {
            return true;
        }
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return false;
        }
        return !(internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/")
                || internalName.startsWith("net/bytebuddy/") || internalName.startsWith("dev/loopwatch/agent/")
                || internalName.startsWith("dev/loopwatch/core/") || internalName.startsWith("dev/loopwatch/bridge/")
                || internalName.startsWith("dev/loopwatch/shaded/"));
    }

    /**
     * The bytes of a {@code CONSTANT_Utf8} entry holding exactly {@code name} (tag 1, two length bytes, the
     * name): "await" or "waitFor" do not match, so a class is parsed only if it has a member named so.
     */
    static byte[] utf8Constant(String name) {
        byte[] text = name.getBytes(StandardCharsets.US_ASCII);
        byte[] entry = new byte[text.length + 3];
        entry[0] = 1;
        entry[1] = 0;
        entry[2] = (byte) text.length;
        System.arraycopy(text, 0, entry, 3, text.length);
        return entry;
    }

    /** Whether the class file may call a substituted method (its constant pool names it). */
    public boolean mentions(byte[] bytes) {
        return (sleep && contains(bytes, needles[0])) || (!waits.isEmpty() && contains(bytes, needles[1]));
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] bytes) {
        if (!inScope(loader, className) || !mentions(bytes)) {
            return null;
        }
        try {
            return rewrite(bytes);
        } catch (Throwable t) {
            Diagnostics.error("call-site rewrite of " + className, t);
            return null;
        }
    }

    /** The class with its substituted calls rewritten, or null when it has none. */
    public byte[] rewrite(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String className;
            /**
             * Whether the allow list applies: not to loopwatch's own packages, which it names by prefix (for the
             * stack match) and the rewrite's scope leaves out anyway, but for the canary, which must be seen.
             */
            private boolean allowApplies;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                className = name.replace('/', '.');
                allowApplies = !name.startsWith("dev/loopwatch/");
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (allowApplies && allow.allows(new StackTraceElement(className, name, null, -1))) {
                    return mv;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (sleep && opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/Thread")
                                && method.equals("sleep") && desc.equals("(J)V")) {
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sleep", "(J)V", false);
                        } else if ((opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE)
                                && method.equals("wait") && waits.contains(desc)) {
                            // Object's waits are final: whatever the owner says, this is the one called. The
                            // substitute takes the monitor first, then the same arguments.
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "waitOn",
                                    "(Ljava/lang/Object;" + desc.substring(1), false);
                        } else {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                        }
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
