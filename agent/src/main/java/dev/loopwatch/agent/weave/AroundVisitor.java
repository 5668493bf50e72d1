package dev.loopwatch.agent.weave;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

/**
 * Weaves {@link Advice#around}: the entry call first, its result stored in a new local; the exit call before each
 * return; and a handler around the whole original body that makes the exit call and rethrows.
 *
 * <p>The new local takes the first slot after the arguments, so every local of the method's own moves up one
 * slot: variable instructions, the local variable tables and the (expanded) stack map frames are shifted here.
 * The handler's frame declares only the new local (the arguments as {@code TOP}), which every point of the body
 * satisfies, whatever the body stores in its argument slots. Nothing woven branches, so no other frame is added
 * and no class hierarchy is ever resolved. The handler is the last entry of the exception table, so every handler
 * of the original body still comes first.
 */
final class AroundVisitor extends MethodVisitor {
    /** Stack slots the woven code needs above the method's own: a returned value stays beneath it. */
    private static final int EXTRA_STACK = 4;

    private final MethodInfo method;
    private final Call enter;
    private final Call exit;
    /** The new local's type, internal name; null when the entry call returns nothing (no local is made). */
    private final String localType;
    private final int firstLocal;
    private final Label start = new Label();
    private final Label end = new Label();
    private final Label handler = new Label();
    private boolean started;

    AroundVisitor(MethodVisitor next, MethodInfo method, Call enter, Call exit) {
        super(Opcodes.ASM9, next);
        this.method = method;
        this.enter = enter;
        this.exit = exit;
        String returned = enter.returnDescriptor();
        if (returned.equals("V")) {
            localType = null;
        } else if (returned.startsWith("L")) {
            localType = Type.getType(returned).getInternalName();
        } else {
            throw new IllegalArgumentException("an entry call must return a reference or nothing: " + enter);
        }
        this.firstLocal = method.argumentSlots();
    }

    private int entered() {
        return localType == null ? -1 : firstLocal;
    }

    private int shift(int var) {
        return localType != null && var >= firstLocal ? var + 1 : var;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        enter.emit(mv, method, -1);
        if (localType != null) {
            mv.visitVarInsn(Opcodes.ASTORE, firstLocal);
        }
        mv.visitLabel(start);
        started = true;
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            exit.emit(mv, method, entered());
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        super.visitVarInsn(opcode, shift(var));
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        super.visitIincInsn(shift(var), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label from, Label to, int index) {
        super.visitLocalVariable(name, descriptor, signature, from, to, shift(index));
    }

    @Override
    public org.objectweb.asm.AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath,
            Label[] from, Label[] to, int[] index, String descriptor, boolean visible) {
        int[] shifted = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            shifted[i] = shift(index[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, from, to, shifted, descriptor, visible);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (localType == null) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("compressed frame in " + method.owner() + "." + method.name()
                    + ": the class must be read with EXPAND_FRAMES");
        }
        // Find the element where the method's own locals begin (long and double are one element, two slots).
        Object[] out = new Object[Math.max(numLocal, 0) + firstLocal + 1];
        int n = 0;
        int slots = 0;
        int i = 0;
        while (i < numLocal && slots < firstLocal) {
            Object t = local[i++];
            out[n++] = t;
            slots += t == Opcodes.LONG || t == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slots > firstLocal) {
            throw new IllegalStateException("a two-slot value straddles the arguments' end in " + method.owner() + "."
                    + method.name());
        }
        while (slots < firstLocal) { // a frame that lists fewer locals than the arguments: the rest are unused
            out[n++] = Opcodes.TOP;
            slots++;
        }
        out[n++] = localType;
        while (i < numLocal) {
            out[n++] = local[i++];
        }
        super.visitFrame(type, n, out, numStack, stack);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (started) {
            mv.visitLabel(end);
            mv.visitLabel(handler);
            if (method.hasFrames()) {
                Object[] locals = new Object[firstLocal + (localType == null ? 0 : 1)];
                java.util.Arrays.fill(locals, Opcodes.TOP);
                if (localType != null) {
                    locals[firstLocal] = localType;
                }
                mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            }
            exit.emit(mv, method, entered());
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitTryCatchBlock(start, end, handler, null);
        }
        super.visitMaxs(maxStack + EXTRA_STACK, maxLocals + (localType == null ? 0 : 1));
    }
}
