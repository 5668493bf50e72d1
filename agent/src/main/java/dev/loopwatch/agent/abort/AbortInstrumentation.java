package dev.loopwatch.agent.abort;

import dev.loopwatch.core.config.LoopWatchConfig;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code action=abort}: abort checks in the application classes named by {@code abort.include}. Classes are
 * matched by name only (never loaded), and never in the JDK, Netty, Vert.x, Reactor or loopwatch whatever
 * the option says ({@link LoopWatchConfig#abortable(String)}). Class initializers get no check: an
 * exception thrown out of {@code <clinit>} breaks the class for good (the bridge also refuses to throw
 * while any {@code <clinit>} is on the stack, for methods a class initializer calls); neither do bridge methods,
 * which only forward to a method that has its own.
 */
public final class AbortInstrumentation {
    private final LoopWatchConfig config;

    public AbortInstrumentation(LoopWatchConfig config) {
        this.config = config;
    }

    /** Whether the class of this (binary, dotted) name gets checks. */
    public boolean acceptsName(String className) {
        return config.abortable(className);
    }

    /** Whether this method of such a class gets checks. */
    public boolean acceptsMethod(int access, String name) {
        return !name.equals("<clinit>") && (access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
    }

    /** Inserts the checks into one method; constructors get back-edge checks only (nothing runs before super()). */
    public MethodVisitor wrap(MethodVisitor next, String name) {
        return new AbortCheckVisitor(Opcodes.ASM9, next, !name.equals("<init>"));
    }
}
