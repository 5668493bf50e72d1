package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around a blocking JDK method: one bridge call on entry (a thread-id array lookup on a thread that
 * is no loop), one on exit only when the call is being recorded. Never throws into the JDK method.
 */
public final class BlockingAdvice {
    private BlockingAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static BlockingRing enter() {
        return Blocking.enter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter BlockingRing ring, @CallId int call) {
        if (ring != null) {
            ring.end(call);
        }
    }
}
