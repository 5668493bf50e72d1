package dev.loopwatch.agent.netty;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/** Inlined around Netty's single-task dispatch ({@code AbstractEventExecutor.runTask/safeExecute}). */
public final class TaskAdvice {
    private TaskAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static LoopSlot enter() {
        return Loops.beginTask();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter LoopSlot slot) {
        if (slot != null) {
            slot.end();
        }
    }
}
