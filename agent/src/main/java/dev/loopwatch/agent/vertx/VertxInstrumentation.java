package dev.loopwatch.agent.vertx;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.argument;
import static dev.loopwatch.agent.weave.MethodMatch.arguments;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * Vert.x 4.5 and 5: where Vert.x dispatches to a handler, so that a stall report names it. Vert.x's event
 * loops are Netty loops, so stalls are timed by the Netty lines; these hooks only remember which handler
 * runs, at Vert.x dispatch points (never per Netty task): the routing context where vertx-web calls one route
 * handler ({@code RouteState.handleContext(context)}), the registration where the event bus delivers a message
 * ({@code HandlerRegistration.dispatch}); one store in the loop's slot, and one to restore the outer one. Vert.x
 * worker threads (executeBlocking, worker and virtual-thread verticles) have no slot, so the hooks do nothing
 * there. Naming the verticle that other tasks run for needs no hook: the watchdog reads Vert.x's own current
 * context of the loop thread when it reports (see {@code HandlerNames.verticle} in core).
 *
 * <p>The two lines hook methods of the same name and shape (vertx-web's {@code RouteState.handleContext}
 * and vertx-core's {@code HandlerRegistration.dispatch(Handler, Message, ContextInternal)} are the same in
 * 4.5.x and 5.0.x), each guarded by the class that only its line has: Vert.x 5 moved {@code ContextInternal}
 * from {@code io.vertx.core.impl} to {@code io.vertx.core.internal}.
 */
public final class VertxInstrumentation {
    static final String VERTX_4_MARKER = "io/vertx/core/impl/ContextInternal.class";
    static final String VERTX_5_MARKER = "io/vertx/core/internal/ContextInternal.class";

    private VertxInstrumentation() {
    }

    public static List<LibraryLine> lines() {
        return List.of(
                new LibraryLine("vertx-4", List.of(VERTX_4_MARKER), List.of(VERTX_5_MARKER),
                        hooks("Lio/vertx/core/impl/ContextInternal;")),
                new LibraryLine("vertx-5", List.of(VERTX_5_MARKER), List.of(VERTX_4_MARKER),
                        hooks("Lio/vertx/core/internal/ContextInternal;")));
    }

    private static List<Hook> hooks(String contextInternal) {
        return List.of(
                new Hook(TypeMatch.named("io.vertx.ext.web.impl.RouteState"),
                        named("handleContext").and(arguments(1)), BridgeAdvice.HANDLER_IS_ARGUMENT),
                new Hook(TypeMatch.named("io.vertx.core.eventbus.impl.HandlerRegistration"),
                        named("dispatch").and(arguments(3)).and(argument(0, "Lio/vertx/core/Handler;"))
                                .and(argument(2, contextInternal)),
                        BridgeAdvice.HANDLER_IS_RECEIVER));
    }
}
