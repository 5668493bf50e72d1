package dev.loopwatch.agent.vertx;

import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around vertx-web's call of one route handler ({@code RouteState.handleContext(context)}):
 * remembers the routing context (request method, current route and handler index name the task) in the
 * loop's slot while the handler runs; restores the outer one when it returns.
 */
public final class RouteAdvice {
    private RouteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object context) {
        return Loops.enterHandler(context);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object previous) {
        Loops.exitHandler(previous);
    }
}
