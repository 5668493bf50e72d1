package dev.loopwatch.agent.weave;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.List;

/**
 * A call of a public static method of the bridge, with its arguments: all that advice ever inlines. The bridge
 * ({@code dev.loopwatch.bridge}) lives in the bootstrap class loader, so the call links from any class.
 *
 * @param owner      the bridge class, internal name ({@code dev/loopwatch/bridge/Loops})
 * @param name       the method
 * @param descriptor its descriptor
 * @param args       what is pushed, in order, one per parameter
 */
public record Call(String owner, String name, String descriptor, List<Arg> args) {
    public Call {
        args = List.copyOf(args);
        if (Type.getArgumentTypes(descriptor).length != args.size()) {
            throw new IllegalArgumentException(owner + "." + name + descriptor + " takes "
                    + Type.getArgumentTypes(descriptor).length + " arguments, given " + args.size());
        }
    }

    public static Call of(String owner, String name, String descriptor, Arg... args) {
        return new Call(owner, name, descriptor, List.of(args));
    }

    /** What the call returns, as a descriptor ({@code V} for nothing). */
    String returnDescriptor() {
        return Type.getReturnType(descriptor).getDescriptor();
    }

    void emit(MethodVisitor mv, MethodInfo method, int entered) {
        for (Arg arg : args) {
            arg.push(mv, method, entered);
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, descriptor, false);
    }
}
