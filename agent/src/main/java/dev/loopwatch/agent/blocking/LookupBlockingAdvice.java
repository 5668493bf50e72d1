package dev.loopwatch.agent.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;
import net.bytebuddy.asm.Advice;

/** As {@link BlockingAdvice}, for {@code InetAddress.getByName/getAllByName}: a literal address is no lookup. */
public final class LookupBlockingAdvice {
    private LookupBlockingAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static BlockingRing enter(@Advice.Argument(0) String host) {
        return Blocking.enterLookup(host);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter BlockingRing ring, @CallId int call) {
        if (ring != null) {
            ring.end(call);
        }
    }
}
