package dev.loopwatch.agent.netty;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/** Inlined around an I/O event loop's {@code run()}: the thread is a watched loop while inside it. */
public final class LoopRunAdvice {
    private LoopRunAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static LoopSlot enter(@Advice.Origin Class<?> loopType) {
        return Loops.enterLoop(loopType);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter LoopSlot slot) {
        Loops.exitLoop(slot);
    }
}
