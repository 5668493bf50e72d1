package dev.loopwatch.agent.weave;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One value an advice call passes to the bridge, pushed on the operand stack just before the call. Each pushes
 * exactly one stack slot and never branches, so woven code needs no stack map frame of its own.
 */
public final class Arg {
    private enum Kind { SELF, ARGUMENT, DECLARING_CLASS, CONSTANT, FIELD, ENTERED, RETURNED }

    private final Kind kind;
    private final int index;
    private final String name;
    private final String descriptor;

    private Arg(Kind kind, int index, String name, String descriptor) {
        this.kind = kind;
        this.index = index;
        this.name = name;
        this.descriptor = descriptor;
    }

    /** {@code this}. */
    public static Arg self() {
        return new Arg(Kind.SELF, 0, null, null);
    }

    /** The method's argument {@code index} (0 is the first declared argument, whatever {@code this}). */
    public static Arg argument(int index) {
        return new Arg(Kind.ARGUMENT, index, null, null);
    }

    /**
     * The class that declares the method, as a {@code Class} constant: null in class files older than Java 5, which
     * cannot hold one.
     */
    public static Arg declaringClass() {
        return new Arg(Kind.DECLARING_CLASS, 0, null, null);
    }

    /** An int constant (a blocking call's id). */
    public static Arg constant(int value) {
        return new Arg(Kind.CONSTANT, value, null, null);
    }

    /** A field of {@code this}, declared by the method's own class. */
    public static Arg field(String name, String descriptor) {
        return new Arg(Kind.FIELD, 0, name, descriptor);
    }

    /** What the entry call returned (an exit call's first argument). */
    public static Arg entered() {
        return new Arg(Kind.ENTERED, 0, null, null);
    }

    /** The reference the method is returning (before an {@code ARETURN} only). */
    public static Arg returned() {
        return new Arg(Kind.RETURNED, 0, null, null);
    }

    /**
     * Pushes the value.
     *
     * @param entered the local holding what the entry call returned, or -1 where there is none
     */
    void push(MethodVisitor mv, MethodInfo method, int entered) {
        switch (kind) {
            case SELF -> mv.visitVarInsn(Opcodes.ALOAD, 0);
            case ARGUMENT -> {
                Type[] types = Type.getArgumentTypes(method.descriptor());
                int slot = method.isStatic() ? 0 : 1;
                for (int i = 0; i < index; i++) {
                    slot += types[i].getSize();
                }
                mv.visitVarInsn(types[index].getOpcode(Opcodes.ILOAD), slot);
            }
            case DECLARING_CLASS -> {
                if ((method.classVersion() & 0xFFFF) >= Opcodes.V1_5) {
                    mv.visitLdcInsn(Type.getObjectType(method.owner()));
                } else {
                    mv.visitInsn(Opcodes.ACONST_NULL);
                }
            }
            case CONSTANT -> pushInt(mv, index);
            case FIELD -> {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, method.owner(), name, descriptor);
            }
            case ENTERED -> {
                if (entered < 0) {
                    throw new IllegalStateException("no entry value in " + method.owner() + "." + method.name());
                }
                mv.visitVarInsn(Opcodes.ALOAD, entered);
            }
            case RETURNED -> mv.visitInsn(Opcodes.DUP);
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            mv.visitLdcInsn(value);
        }
    }
}
