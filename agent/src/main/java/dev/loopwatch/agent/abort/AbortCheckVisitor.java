package dev.loopwatch.agent.abort;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts {@code INVOKESTATIC dev/loopwatch/bridge/Abort.check()V} at a method's entry and before each
 * loop back-edge (a jump or switch to a label already seen), in one streaming pass. The call takes and
 * leaves nothing on the operand stack, adds no local, no branch target and no frame, so stack map frames
 * stay valid as they are and no class hierarchy is ever resolved.
 *
 * <p>One kind of back-edge gets no check: that of an innermost counted loop, javac's
 * {@code for (int i = ..; i < a.length; i++)} or {@code i < n} with {@code n} a local the loop never writes.
 * Such a loop ends after at most its trip count, so its enclosing loop's check or the next method entry
 * sees the request soon after; and a check inside it would cost the most: it stops C2 from vectorizing
 * the loop (6-11x slower, FACTS.md) and from eliminating its range checks. Everything the loop's body is
 * made of is known when its back-edge is reached (the body precedes it), so no buffering is needed.
 */
class AbortCheckVisitor extends MethodVisitor {
    static final String OWNER = "dev/loopwatch/bridge/Abort";
    static final String NAME = "check";
    static final String DESCRIPTOR = "()V";

    /** One instruction, as much of it as the loop test needs. */
    private static final class Insn {
        final int opcode;
        final int operand; // local index, IINC increment's local, or 0
        final int increment;
        final Label target;

        Insn(int opcode, int operand, int increment, Label target) {
            this.opcode = opcode;
            this.operand = operand;
            this.increment = increment;
            this.target = target;
        }
    }

    private final boolean entryCheck;
    private final List<Insn> insns = new ArrayList<>();
    private final Map<Label, Integer> labels = new IdentityHashMap<>();
    private int checks;
    private int skipped;

    AbortCheckVisitor(int api, MethodVisitor delegate, boolean entryCheck) {
        super(api, delegate);
        this.entryCheck = entryCheck;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (entryCheck) {
            emitCheck();
        }
    }

    @Override
    public void visitLabel(Label label) {
        labels.put(label, insns.size());
        super.visitLabel(label);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        Integer head = labels.get(label);
        if (head != null) { // backward: a loop's back-edge
            if (isInnermostCountedLoop(head, opcode)) {
                skipped++;
            } else {
                emitCheck();
            }
        }
        insns.add(new Insn(opcode, 0, 0, label));
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
        Label backward = backward(dflt, targets);
        if (backward != null) {
            emitCheck();
        }
        insns.add(new Insn(Opcodes.TABLESWITCH, 0, 0, backward));
        super.visitTableSwitchInsn(min, max, dflt, targets);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
        Label backward = backward(dflt, targets);
        if (backward != null) {
            emitCheck();
        }
        insns.add(new Insn(Opcodes.LOOKUPSWITCH, 0, 0, backward));
        super.visitLookupSwitchInsn(dflt, keys, targets);
    }

    @Override
    public void visitInsn(int opcode) {
        insns.add(new Insn(opcode, 0, 0, null));
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        insns.add(new Insn(opcode, 0, 0, null));
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        insns.add(new Insn(opcode, var, 0, null));
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        insns.add(new Insn(Opcodes.IINC, var, increment, null));
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        insns.add(new Insn(opcode, 0, 0, null));
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        insns.add(new Insn(opcode, 0, 0, null));
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        insns.add(new Insn(opcode, 0, 0, null));
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bootstrap,
                                       Object... arguments) {
        insns.add(new Insn(Opcodes.INVOKEDYNAMIC, 0, 0, null));
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitLdcInsn(Object value) {
        insns.add(new Insn(Opcodes.LDC, 0, 0, null));
        super.visitLdcInsn(value);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        insns.add(new Insn(Opcodes.MULTIANEWARRAY, 0, 0, null));
        super.visitMultiANewArrayInsn(descriptor, dimensions);
    }

    /** Checks inserted and back-edges left without one, for tests. */
    int checks() {
        return checks;
    }

    int skipped() {
        return skipped;
    }

    private void emitCheck() {
        checks++;
        super.visitMethodInsn(Opcodes.INVOKESTATIC, OWNER, NAME, DESCRIPTOR, false);
    }

    /** A target already seen (a loop's head), or null. */
    private Label backward(Label dflt, Label[] targets) {
        if (labels.containsKey(dflt)) {
            return dflt;
        }
        for (Label target : targets) {
            if (labels.containsKey(target)) {
                return target;
            }
        }
        return null;
    }

    /**
     * The loop from {@code head} to the current instruction, closed by a GOTO, is javac's counted for-loop:
     * it starts with {@code ILOAD i; (ALOAD a; ARRAYLENGTH | ILOAD n); IF_ICMPGE exit}, its last instruction
     * is {@code IINC i, +c}, nothing else in it writes {@code i}, {@code a} or {@code n}, and it holds no
     * other loop (no backward jump or switch, no jump back above its own position).
     */
    private boolean isInnermostCountedLoop(int head, int opcode) {
        int end = insns.size(); // the GOTO is not recorded yet
        if (opcode != Opcodes.GOTO || end - head < 5) {
            return false;
        }
        Insn first = insns.get(head);
        if (first.opcode != Opcodes.ILOAD) {
            return false;
        }
        int index = first.operand;
        int bound;
        int bodyStart;
        boolean arrayBound;
        Insn second = insns.get(head + 1);
        if (second.opcode == Opcodes.ALOAD && insns.get(head + 2).opcode == Opcodes.ARRAYLENGTH
                && insns.get(head + 3).opcode == Opcodes.IF_ICMPGE) {
            bound = second.operand;
            bodyStart = head + 4;
            arrayBound = true;
        } else if (second.opcode == Opcodes.ILOAD && insns.get(head + 2).opcode == Opcodes.IF_ICMPGE
                && second.operand != index) {
            bound = second.operand;
            bodyStart = head + 3;
            arrayBound = false;
        } else {
            return false;
        }
        Insn last = insns.get(end - 1);
        // i < n with i += c > 1 could overflow past a bound near Integer.MAX_VALUE and never end; an array's
        // length is far enough below it for small steps.
        if (last.opcode != Opcodes.IINC || last.operand != index || last.increment < 1
                || last.increment > (arrayBound ? 8 : 1)) {
            return false;
        }
        for (int i = bodyStart; i < end - 1; i++) {
            Insn insn = insns.get(i);
            switch (insn.opcode) {
                case Opcodes.ISTORE:
                case Opcodes.IINC:
                    if (insn.operand == index || (!arrayBound && insn.operand == bound)) {
                        return false;
                    }
                    break;
                case Opcodes.ASTORE:
                    if (arrayBound && insn.operand == bound) {
                        return false;
                    }
                    break;
                default:
                    if (insn.target != null) {
                        Integer at = labels.get(insn.target);
                        if (at != null && at <= i) {
                            return false; // a backward jump inside: not innermost
                        }
                    }
            }
        }
        return true;
    }
}
