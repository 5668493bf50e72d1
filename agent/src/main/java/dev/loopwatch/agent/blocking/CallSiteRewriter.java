package dev.loopwatch.agent.blocking;

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
 * <p>Scope: every class of a non-JDK loader (the application, its libraries, Netty), except ByteBuddy and
 * loopwatch (its canary excepted). A class whose constant pool has no entry spelling the method's name is
 * left untouched after a walk of its constant pool, so the cost is one such walk per loaded class, plus a parse and
 * a rewrite of the few classes that name a {@code sleep} or {@code wait} member. The agent's one transformer
 * ({@code Weaver}) runs it in the same pass as the hooks, so a class is read and written once. A JDK class calling {@code Object.wait}, or
 * {@code Thread.sleep(long)} on JDK 17, directly on a loop is not seen (the JDK's blocking APIs park;
 * {@code Thread.join}, which waits, has advice of its own).
 *
 * <p>Call sites inside an allow-listed method ({@link AllowList#allows(StackTraceElement)}, the rule the stack
 * match applies) are left as they are: the call would be allowed anyway, and a class none of whose call sites
 * change is not retransformed at all. That keeps Netty's {@code SingleThreadEventExecutor} (whose only
 * {@code Thread.sleep} is in the allow-listed {@code confirmShutdown}) out of the install into a warm JVM,
 * where retransforming it throws away the compiled code of every loop.
 */
public final class CallSiteRewriter {
    static final String BRIDGE = "dev/loopwatch/bridge/Blocking";
    public static final String CANARY = "dev/loopwatch/agent/blocking/Canary";

    private final boolean sleep;
    /** The descriptors of the {@code Object.wait} overloads rewritten. */
    private final Set<String> waits = new HashSet<>();
    private final AllowList allow;
    /** The substituted methods, as {@link ClassFiles#methodsInvoking} looks for them. */
    private final ClassFiles.MethodRef[] targets;

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
        List<ClassFiles.MethodRef> refs = new ArrayList<>();
        if (sleep) {
            refs.add(new ClassFiles.MethodRef("java/lang/Thread", "sleep", "(J)V"));
        }
        for (String descriptor : waits) {
            refs.add(new ClassFiles.MethodRef(null, "wait", descriptor)); // final in Object: any owner names it
        }
        this.targets = refs.toArray(new ClassFiles.MethodRef[0]);
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
     * The visitor that rewrites the substituted calls of one method, or {@code next} itself where the method is
     * allow-listed. {@code changed[0]} is set when a call was rewritten.
     *
     * @param className the class's binary name ({@code com.acme.Poller})
     */
    public MethodVisitor wrap(MethodVisitor next, String className, String methodName, boolean[] changed) {
        if (allowed(className, methodName)) {
            return next;
        }
        return new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                if (!substitutes(opcode, owner, method, desc)) {
                    super.visitMethodInsn(opcode, owner, method, desc, itf);
                } else if (method.equals("sleep")) {
                    changed[0] = true;
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sleep", "(J)V", false);
                } else {
                    // Object's waits are final: whatever the owner says, this is the one called. The
                    // substitute takes the monitor first, then the same arguments.
                    changed[0] = true;
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "waitOn",
                            "(Ljava/lang/Object;" + desc.substring(1), false);
                }
            }
        };
    }

    /**
     * Whether the method's calls are left as they are: it is allow-listed. The allow list names loopwatch's own
     * packages by prefix (for the stack match), and the rewrite's scope leaves them out anyway, but for the canary,
     * which must be seen.
     */
    private boolean allowed(String className, String methodName) {
        return !className.startsWith("dev.loopwatch.") && allow.allows(new StackTraceElement(className, methodName, null, -1));
    }

    /** Whether this call is one of a substituted method. */
    private boolean substitutes(int opcode, String owner, String method, String desc) {
        return (sleep && opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/Thread") && method.equals("sleep")
                && desc.equals("(J)V"))
                || ((opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE) && method.equals("wait")
                && waits.contains(desc));
    }

    /**
     * The methods ({@code name + descriptor}) that call a substituted method outside the allow-list, found in the
     * class file's bytes ({@link ClassFiles#methodsInvoking}), never parsed: most classes that name a {@code sleep}
     * or {@code wait} of their own call none of the substituted ones, and are then left without any ASM work. A
     * method may be listed that does not call one (its code is then read and written unchanged); none is missed.
     */
    public Set<String> methodsCalling(byte[] bytes) {
        Set<String> found = ClassFiles.methodsInvoking(bytes, targets);
        if (found == null) {
            found = methodsCallingByAsm(ClassFiles.reader(bytes));
        }
        if (found.isEmpty()) {
            return found;
        }
        String className = ClassFiles.className(bytes).replace('/', '.');
        Set<String> calling = new HashSet<>();
        for (String method : found) {
            if (!allowed(className, method.substring(0, method.indexOf('(')))) {
                calling.add(method);
            }
        }
        return calling;
    }

    /** {@link #methodsCalling}, for a class file whose bytes {@link ClassFiles} cannot walk. */
    private Set<String> methodsCallingByAsm(ClassReader reader) {
        Set<String> calling = new HashSet<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String key = name + descriptor;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (substitutes(opcode, owner, method, desc)) {
                            calling.add(key);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return calling;
    }

    /** The class with its substituted calls rewritten, or null when it has none (the rewrite alone, for tests). */
    public byte[] rewrite(byte[] bytes) {
        ClassReader reader = ClassFiles.reader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String className;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                className = name.replace('/', '.');
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return wrap(super.visitMethod(access, name, descriptor, signature, exceptions), className, name, changed);
            }
        }, 0);
        return changed[0] ? ClassFiles.withVersionOf(bytes, writer.toByteArray()) : null;
    }
}
