package dev.loopwatch.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The method being woven, as its class file declares it.
 *
 * @param owner        the declaring class, the JVM's internal name ({@code io/netty/channel/SingleThreadIoEventLoop})
 * @param access       its access flags
 * @param name         its name
 * @param descriptor   its descriptor ({@code (Ljava/lang/Runnable;)V})
 * @param classVersion the class file's major version: stack map frames exist from 50 on, class constants from 49
 */
public record MethodInfo(String owner, int access, String name, String descriptor, int classVersion) {

    public boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    /** The local variable slots taken by {@code this} and the arguments: where the method's own locals start. */
    int argumentSlots() {
        int slots = (Type.getArgumentsAndReturnSizes(descriptor) >> 2) - 1;
        return isStatic() ? slots : slots + 1;
    }

    /** Whether the class file carries stack map frames (version 50, Java 6, and later). */
    boolean hasFrames() {
        return (classVersion & 0xFFFF) >= Opcodes.V1_6;
    }
}
