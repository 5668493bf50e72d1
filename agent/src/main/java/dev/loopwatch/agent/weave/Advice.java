package dev.loopwatch.agent.weave;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What is inlined into one method: calls of the bridge at its entry, at its returns, or both and around its
 * exceptions. Written straight into the method's bytecode by small ASM visitors: no class is loaded, resolved or
 * generated, only the method's body changes (so retransformation works without any JVM flag), and a transformed
 * class costs one read and one write of its class file.
 */
public final class Advice {
    private enum Kind { AROUND, ON_ENTRY, ON_RETURN, GUARD, REPLACE_ARGUMENT }

    private final Kind kind;
    private final Call enter;
    private final Call exit;
    /** The argument a {@link #replaceArgument} advice stores into. */
    private final int index;

    private Advice(Kind kind, Call enter, Call exit) {
        this(kind, enter, exit, -1);
    }

    private Advice(Kind kind, Call enter, Call exit, int index) {
        this.kind = kind;
        this.enter = enter;
        this.exit = exit;
        this.index = index;
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

    /**
     * At the entry of a method returning {@code void}: {@code if (enter(...)) return;} ({@code enter} returns a
     * boolean). Woven after the entry calls of the method's other advice, so the return passes their exit calls.
     * The only woven code that branches: it adds one stack map frame, of the method's arguments, after the return.
     */
    public static Advice guard(Call enter) {
        if (!enter.returnDescriptor().equals("Z")) {
            throw new IllegalArgumentException("a guard's call returns a boolean: " + enter);
        }
        return new Advice(Kind.GUARD, enter, null);
    }

    /** At the entry: {@code argument = enter(...)}, argument {@code index} being a reference. */
    public static Advice replaceArgument(int index, Call enter) {
        return new Advice(Kind.REPLACE_ARGUMENT, enter, null, index);
    }

    /** Whether the class must be read with expanded stack map frames ({@code ClassReader.EXPAND_FRAMES}). */
    public boolean expandsFrames() {
        return kind == Kind.AROUND || kind == Kind.GUARD;
    }

    /** The visitor that weaves this advice into {@code method}, writing to {@code next}. */
    public MethodVisitor wrap(MethodVisitor next, MethodInfo method) {
        return switch (kind) {
            case AROUND -> new AroundVisitor(next, method, enter, exit);
            case ON_ENTRY -> new OnEntry(next, method, enter);
            case ON_RETURN -> new OnReturn(next, method, exit);
            case GUARD -> new Guard(next, method, enter);
            case REPLACE_ARGUMENT -> new ReplaceArgument(next, method, enter, index);
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

    private static final class Guard extends MethodVisitor {
        private final MethodInfo method;
        private final Call enter;

        Guard(MethodVisitor next, MethodInfo method, Call enter) {
            super(Opcodes.ASM9, next);
            this.method = method;
            this.enter = enter;
            if (!method.descriptor().endsWith(")V")) {
                throw new IllegalArgumentException("a guard only goes into a void method: " + method);
            }
        }

        @Override
        public void visitCode() {
            super.visitCode();
            enter.emit(mv, method, -1);
            Label go = new Label();
            mv.visitJumpInsn(Opcodes.IFEQ, go);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitLabel(go);
            if (method.hasFrames()) {
                Object[] locals = argumentTypes(method);
                mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + enter.args().size() + 1, maxLocals);
        }

        /** The frame's locals at the method's entry: {@code this} (or nothing) and the declared arguments. */
        private static Object[] argumentTypes(MethodInfo method) {
            java.util.List<Object> locals = new java.util.ArrayList<>();
            if (!method.isStatic()) {
                locals.add(method.name().equals("<init>") ? Opcodes.UNINITIALIZED_THIS : method.owner());
            }
            for (Type t : Type.getArgumentTypes(method.descriptor())) {
                switch (t.getSort()) {
                    case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> locals.add(Opcodes.INTEGER);
                    case Type.LONG -> locals.add(Opcodes.LONG);
                    case Type.DOUBLE -> locals.add(Opcodes.DOUBLE);
                    case Type.FLOAT -> locals.add(Opcodes.FLOAT);
                    case Type.ARRAY -> locals.add(t.getDescriptor());
                    default -> locals.add(t.getInternalName());
                }
            }
            return locals.toArray();
        }
    }

    private static final class ReplaceArgument extends MethodVisitor {
        private final MethodInfo method;
        private final Call enter;
        private final int index;

        ReplaceArgument(MethodVisitor next, MethodInfo method, Call enter, int index) {
            super(Opcodes.ASM9, next);
            this.method = method;
            this.enter = enter;
            this.index = index;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            enter.emit(mv, method, -1);
            Type[] types = Type.getArgumentTypes(method.descriptor());
            int slot = method.isStatic() ? 0 : 1;
            for (int i = 0; i < index; i++) {
                slot += types[i].getSize();
            }
            mv.visitVarInsn(Opcodes.ASTORE, slot);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + enter.args().size() + 1, maxLocals);
        }
    }
}
