package dev.loopwatch.agent.abort;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

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
    public void visitInvokeDynamicInsn(String name, String descriptor, org.objectweb.asm.Handle bootstrap,
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
     * True when the loop from {@code head} to the current instruction, closed by a GOTO, is innermost and
     * provably short: every iteration moves one int local {@code v} by the same constant (its last instruction
     * is {@code IINC v, c}, nothing else in it writes {@code v} and no jump skips that IINC), and either
     * <ul>
     *   <li>its test at the head is javac's counted for-loop, {@code ILOAD v; (ALOAD a; ARRAYLENGTH | ILOAD n);
     *       IF_ICMPGE exit}, with {@code a} or {@code n} never written in the loop and {@code c > 0}; or</li>
     *   <li>every iteration reads {@code a[v]} before it can do anything but leave the loop (as in
     *       {@code while (a[i] < pivot) i++}), with {@code a} never written in the loop: within
     *       {@code a.length} iterations {@code v} leaves the array's bounds.</li>
     * </ul>
     */
    private boolean isInnermostCountedLoop(int head, int opcode) {
        int end = insns.size(); // the GOTO is not recorded yet
        if (opcode != Opcodes.GOTO || end - head < 4) {
            return false;
        }
        Insn last = insns.get(end - 1);
        if (last.opcode != Opcodes.IINC || last.increment == 0 || Math.abs(last.increment) > 8) {
            return false;
        }
        int v = last.operand;
        int array = -1;
        int bound = -1;
        Insn first = insns.get(head);
        Insn second = insns.get(head + 1);
        if (first.opcode == Opcodes.ILOAD && first.operand == v && last.increment > 0) {
            if (second.opcode == Opcodes.ALOAD && insns.get(head + 2).opcode == Opcodes.ARRAYLENGTH
                    && insns.get(head + 3).opcode == Opcodes.IF_ICMPGE) {
                array = second.operand;
            } else if (second.opcode == Opcodes.ILOAD && second.operand != v
                    && insns.get(head + 2).opcode == Opcodes.IF_ICMPGE && last.increment == 1) {
                bound = second.operand; // i < n, i += 1: ends at n at the latest, whatever n is
            }
        }
        if (array < 0 && bound < 0) {
            array = readsArrayAtIndexFirst(head, end, v);
            if (array < 0) {
                return false;
            }
        }
        for (int i = head; i < end - 1; i++) {
            Insn insn = insns.get(i);
            if ((insn.opcode == Opcodes.ISTORE || insn.opcode == Opcodes.IINC) && (insn.operand == v || insn.operand == bound)) {
                return false;
            }
            if (insn.opcode == Opcodes.ASTORE && insn.operand == array) {
                return false;
            }
            if (insn.target != null) {
                Integer at = labels.get(insn.target);
                if (at != null && (at <= i || at >= end)) {
                    return false; // a loop inside, or a jump past the IINC
                }
            }
        }
        return true;
    }

    /**
     * The local holding array {@code a} when the loop's head reads {@code a[v]} ({@code ALOAD a; ILOAD v;
     * xALOAD}) before any jump that stays inside the loop; -1 otherwise.
     */
    private int readsArrayAtIndexFirst(int head, int end, int v) {
        for (int i = head; i + 2 < end; i++) {
            Insn insn = insns.get(i);
            if (insn.opcode == Opcodes.ALOAD && insns.get(i + 1).opcode == Opcodes.ILOAD && insns.get(i + 1).operand == v
                    && isArrayLoad(insns.get(i + 2).opcode)) {
                return insn.operand;
            }
            if (insn.target != null && labels.containsKey(insn.target)) {
                return -1; // a jump to a label already seen: stays inside the loop (or is one)
            }
            if (insn.opcode == Opcodes.TABLESWITCH || insn.opcode == Opcodes.LOOKUPSWITCH
                    || insn.opcode == Opcodes.ATHROW || (insn.opcode >= Opcodes.IRETURN && insn.opcode <= Opcodes.RETURN)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isArrayLoad(int opcode) {
        return opcode >= Opcodes.IALOAD && opcode <= Opcodes.SALOAD;
    }
}
