package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a JDK channel's private {@code end...(boolean blocking, boolean completed)}, which the JDK
 * calls in a {@code finally} after the operation that {@link ChannelBeginAdvice} saw begin: it ends there,
 * whether it completed, failed or threw.
 */
public final class ChannelEndAdvice {
    private ChannelEndAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) boolean blocking, @CallId int call) {
        if (blocking) {
            Blocking.exitHeld(call);
        }
    }
}
