package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import net.bytebuddy.asm.Advice;

/** Inlined around an allow-listed method: on a loop, blocking calls inside it are not recorded. */
public final class AllowAdvice {
    private AllowAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static BlockingRing enter() {
        return Blocking.allowEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter BlockingRing ring) {
        if (ring != null) {
            ring.allowExit();
        }
    }
}
