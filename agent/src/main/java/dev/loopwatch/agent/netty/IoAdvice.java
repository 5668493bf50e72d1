package dev.loopwatch.agent.netty;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/** Inlined around one I/O dispatch (one channel's ready event, or one batch of them for 4.1 epoll). */
public final class IoAdvice {
    private IoAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static LoopSlot enter(@Advice.Origin Class<?> dispatcher) {
        return Loops.beginIo(dispatcher);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter LoopSlot slot) {
        if (slot != null) {
            slot.end();
        }
    }
}
