package dev.loopwatch.agent.vertx;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Vert.x 4.5 and 5: where Vert.x dispatches to a handler, so that a stall report names it. Vert.x's event
 * loops are Netty loops, so stalls are timed by the Netty lines; these hooks only remember which handler
 * runs, at Vert.x dispatch points (never per Netty task). Vert.x worker threads (executeBlocking, worker
 * and virtual-thread verticles) have no slot, so the hooks do nothing there. Naming the verticle that other
 * tasks run for needs no hook: the watchdog reads Vert.x's own current context of the loop thread when it
 * reports (see {@code HandlerNames.verticle} in core).
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

    /** The package prefix the lines' types live in (for the agent's ignore rule). */
    public static final String PACKAGE = "io.vertx.";

    public static List<LibraryLine> lines() {
        return List.of(
                new LibraryLine("vertx-4", List.of(VERTX_4_MARKER), List.of(VERTX_5_MARKER),
                        hooks("io.vertx.core.impl.ContextInternal")),
                new LibraryLine("vertx-5", List.of(VERTX_5_MARKER), List.of(VERTX_4_MARKER),
                        hooks("io.vertx.core.internal.ContextInternal")));
    }

    private static List<Hook> hooks(String contextInternal) {
        return List.of(
                new Hook(named("io.vertx.ext.web.impl.RouteState"),
                        named("handleContext").and(takesArguments(1)), RouteAdvice.class),
                new Hook(named("io.vertx.core.eventbus.impl.HandlerRegistration"),
                        named("dispatch").and(takesArguments(3))
                                .and(takesArgument(0, named("io.vertx.core.Handler")))
                                .and(takesArgument(2, named(contextInternal))),
                        HandlerAdvice.class));
    }
}
