package dev.loopwatch.agent.vertx;

import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around an event-bus delivery ({@code HandlerRegistration.dispatch}): remembers the consumer
 * (its address and handler name the task) in the loop's slot while the handler runs, and restores what
 * was there when it returns. Two stores per delivery; no string is built.
 */
public final class HandlerAdvice {
    private HandlerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object registration) {
        return Loops.enterHandler(registration);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object previous) {
        Loops.exitHandler(previous);
    }
}
