package dev.loopwatch.agent.grpc;

import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around grpc-core's delivery of one call event to the application ({@code ServerStreamListenerImpl}'s
 * {@code messagesAvailable}, {@code halfClosed}, {@code closed}, {@code onReady}): remembers the listener (its
 * call's method descriptor names the RPC) in the loop's slot while the application runs, and restores what was
 * there when it returns. Two stores per event on a loop thread; on any other thread one array look-up.
 */
public final class CallListenerAdvice {
    private CallListenerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object listener) {
        return Loops.enterHandler(listener);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object previous) {
        Loops.exitHandler(previous);
    }
}
