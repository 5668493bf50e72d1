package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a JDK channel's private {@code begin...(boolean blocking, ...)}: a blocking-mode operation
 * starts being recorded, a non-blocking one (Netty's) costs the test of the argument. Not in the public
 * {@code read}/{@code write}: advice there put a bridge call and an exception handler around the body of the
 * methods every Netty read and write goes through (the throughput difference was within this machine's noise:
 * benchmarks/README.md).
 */
public final class ChannelBeginAdvice {
    private ChannelBeginAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) boolean blocking) {
        if (blocking) {
            Blocking.enterHeld();
        }
    }
}
