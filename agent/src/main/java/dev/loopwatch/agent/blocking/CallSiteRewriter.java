package dev.loopwatch.agent.blocking;

import dev.loopwatch.agent.weave.CallPatch;
import dev.loopwatch.agent.weave.ClassFiles;
import dev.loopwatch.core.blocking.AllowList;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites calls to the blocking methods of {@link JdkBlockingTable#substitutes()} ({@code Thread.sleep(long)}
 * where it is native, JDK 17-18; the three {@code Object.wait} on every JDK) into calls to the bridge's
 * substitutes, which record the call around the original. Only method bodies change, so retransformation
 * works without any JVM flag.
 *
 * <p>Scope: every class of a non-JDK loader (the application, its libraries, Netty), except ByteBuddy and loopwatch (its canary
 * excepted). A class whose constant pool has no entry spelling the method's name is left untouched after a walk of
 * its constant pool, so the cost is one such walk per loaded class, plus a walk of the code of the few classes that
 * name a {@code sleep} or {@code wait} member. The calls are patched in the class file's bytes ({@link CallPatch}):
 * each substitute has its original's stack effect, so no ASM pass, frame or offset is involved. The agent's one
 * transformer ({@code Weaver}) runs it before the hooks of the same class, in the same transformation. A JDK class
 * calling {@code Object.wait}, or {@code Thread.sleep(long)} on JDK 17, directly on a loop is not seen (the JDK's
 * blocking APIs park; {@code Thread.join}, which waits, has advice of its own).
 *
 * <p>Call sites inside an allow-listed method ({@link AllowList#allows(StackTraceElement)}, the rule the stack
 * match applies) are left as they are: the call would be allowed anyway, and a class none of whose call sites
 * change is not retransformed at all. That keeps Netty's {@code SingleThreadEventExecutor} (whose only
 * {@code Thread.sleep} is in the allow-listed {@code confirmShutdown}) out of the install into a warm JVM,
 * where retransforming it throws away the compiled code of every loop.
 */
public final class CallSiteRewriter implements CallPatch.Skip {
    static final String BRIDGE = "dev/loopwatch/bridge/Blocking";
    public static final String CANARY = "dev/loopwatch/agent/blocking/Canary";

    private final boolean sleep;
    /** The descriptors of the {@code Object.wait} overloads rewritten. */
    private final Set<String> waits = new HashSet<>();
    private final AllowList allow;
    /** The substituted calls and their substitutes, as {@link CallPatch} patches them. */
    private final CallPatch.Redirect[] redirects;

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
        List<CallPatch.Redirect> list = new ArrayList<>();
        if (sleep) {
            list.add(new CallPatch.Redirect(true, "java/lang/Thread", "sleep", "(J)V", "sleep", "(J)V"));
        }
        for (String descriptor : waits) {
            // Object's waits are final: whatever the owner says, this is the one called. The substitute takes the
            // monitor first, then the same arguments.
            list.add(new CallPatch.Redirect(false, null, "wait", descriptor, "waitOn",
                    "(Ljava/lang/Object;" + descriptor.substring(1)));
        }
        this.redirects = list.toArray(new CallPatch.Redirect[0]);
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
     * Whether the class file may call a substituted method: its constant pool has an entry spelling exactly
     * {@code sleep} or {@code wait} ("await" or "waitFor" do not count).
     */
    public boolean mentions(byte[] bytes) {
        return ClassFiles.hasUtf8(bytes, sleep ? "sleep" : null, waits.isEmpty() ? null : "wait");
    }

    /**
     * The class with its substituted calls rewritten, or null when it has none outside allow-listed methods (a class
     * that merely names a {@code sleep} or {@code wait} of its own, say).
     */
    public byte[] rewrite(byte[] bytes) {
        try {
            return CallPatch.apply(bytes, redirects, BRIDGE, this);
        } catch (CallPatch.Unreadable e) {
            return rewriteByAsm(bytes);
        }
    }

    /**
     * Whether the method's calls are left as they are: it is allow-listed. The allow list names loopwatch's own
     * packages by prefix (for the stack match), and the rewrite's scope leaves them out anyway, but for the canary,
     * which must be seen.
     */
    @Override
    public boolean skips(String className, String methodName) {
        return !className.startsWith("dev.loopwatch.") && allow.allows(new StackTraceElement(className, methodName, null, -1));
    }

    /** {@link #rewrite}, for a class file {@link CallPatch} cannot walk (a constant or opcode newer than it knows). */
    private byte[] rewriteByAsm(byte[] bytes) {
        ClassReader reader = ClassFiles.reader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = new boolean[1];
        String className = reader.getClassName().replace('/', '.');
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return skips(className, name) ? next : new MethodVisitor(Opcodes.ASM9, next) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        CallPatch.Redirect r = redirectOf(opcode, owner, method, desc);
                        if (r == null) {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                        } else {
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, r.toName(), r.toDescriptor(), false);
                        }
                    }
                };
            }
        }, 0);
        return changed[0] ? ClassFiles.withVersionOf(bytes, writer.toByteArray()) : null;
    }

    /** The redirect of this call, or null. */
    private CallPatch.Redirect redirectOf(int opcode, String owner, String method, String desc) {
        for (CallPatch.Redirect r : redirects) {
            if (r.matches(opcode, owner, method, desc)) {
                return r;
            }
        }
        return null;
    }
}
