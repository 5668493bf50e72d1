package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import net.bytebuddy.asm.Advice;

/** As {@link BlockingAdvice}, for channel methods: recorded only when the channel is in blocking mode. */
public final class ChannelBlockingAdvice {
    private ChannelBlockingAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static BlockingRing enter(@Advice.This Object channel) {
        return Blocking.enter(channel);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter BlockingRing ring, @CallId int call) {
        if (ring != null) {
            ring.end(call);
        }
    }
}
