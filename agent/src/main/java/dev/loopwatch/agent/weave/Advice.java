package dev.loopwatch.agent.weave;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What is inlined into one method: calls of the bridge at its entry, at its returns, or both and around its
 * exceptions. Written straight into the method's bytecode by small ASM visitors: no class is loaded, resolved or
 * generated, only the method's body changes (so retransformation works without any JVM flag), and a transformed
 * class costs one read and one write of its class file.
 */
public final class Advice {
    private enum Kind { AROUND, ON_ENTRY, ON_RETURN }

    private final Kind kind;
    private final Call enter;
    private final Call exit;

    private Advice(Kind kind, Call enter, Call exit) {
        this.kind = kind;
        this.enter = enter;
        this.exit = exit;
    }

    /**
     * {@code enter} at the method's entry; {@code exit} at every return and, rethrowing, when it throws. What
     * {@code enter} returns (if anything) is kept in a new local that {@link Arg#entered()} passes to {@code exit}.
     */
    public static Advice around(Call enter, Call exit) {
        return new Advice(Kind.AROUND, enter, exit);
    }

    /** {@code enter} at the method's entry, nothing else. */
    public static Advice onEntry(Call enter) {
        return new Advice(Kind.ON_ENTRY, enter, null);
    }

    /** {@code exit} before every normal return (a thrown exception passes it by). */
    public static Advice onReturn(Call exit) {
        return new Advice(Kind.ON_RETURN, null, exit);
    }

    /** Whether the class must be read with expanded stack map frames ({@code ClassReader.EXPAND_FRAMES}). */
    public boolean expandsFrames() {
        return kind == Kind.AROUND;
    }

    /** The visitor that weaves this advice into {@code method}, writing to {@code next}. */
    public MethodVisitor wrap(MethodVisitor next, MethodInfo method) {
        return switch (kind) {
            case AROUND -> new AroundVisitor(next, method, enter, exit);
            case ON_ENTRY -> new OnEntry(next, method, enter);
            case ON_RETURN -> new OnReturn(next, method, exit);
        };
    }

    private static final class OnEntry extends MethodVisitor {
        private final MethodInfo method;
        private final Call enter;

        OnEntry(MethodVisitor next, MethodInfo method, Call enter) {
            super(Opcodes.ASM9, next);
            this.method = method;
            this.enter = enter;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            enter.emit(mv, method, -1);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + enter.args().size(), maxLocals);
        }
    }

    private static final class OnReturn extends MethodVisitor {
        private final MethodInfo method;
        private final Call exit;

        OnReturn(MethodVisitor next, MethodInfo method, Call exit) {
            super(Opcodes.ASM9, next);
            this.method = method;
            this.exit = exit;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                exit.emit(mv, method, -1);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + exit.args().size() + 1, maxLocals);
        }
    }
}
