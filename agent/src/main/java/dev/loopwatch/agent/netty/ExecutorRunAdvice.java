package dev.loopwatch.agent.netty;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around {@code DefaultEventExecutor.run()} when {@code executors=on}: the thread is watched, as an
 * executor, while inside it. Off by default: a {@code DefaultEventExecutorGroup} exists to take blocking
 * handlers off the I/O loops, so its threads blocking is usually by design.
 */
public final class ExecutorRunAdvice {
    private ExecutorRunAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static LoopSlot enter(@Advice.Origin Class<?> executorType) {
        return Loops.enterExecutor(executorType);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter LoopSlot slot) {
        Loops.exitLoop(slot);
    }
}
