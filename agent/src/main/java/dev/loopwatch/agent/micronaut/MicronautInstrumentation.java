package dev.loopwatch.agent.micronaut;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.argument;
import static dev.loopwatch.agent.weave.MethodMatch.arguments;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * Micronaut 4's HTTP server: where it handles a request and where it runs the matched route's controller method, the
 * request and the route match are remembered in the loop's slot, so that a stall report names the endpoint
 * ({@code GET /orders/{id} (com.acme.OrderController.get)}, see {@code MicronautRouteNames} in core). Micronaut's
 * server loops are Netty 4.2 loops, timed by the Netty line; these hooks only name.
 *
 * <p>{@code RouteExecutor.executeRouteAndConvertBody(PropagatedContext, RouteMatch, HttpRequest)}
 * (micronaut-http-server 4.x) binds the arguments, calls {@code routeMatch.execute()} (the controller method) and
 * turns what it returned into the response, on whatever thread the route runs: the loop by default
 * ({@code thread-selection: MANUAL}), an executor's thread under {@code @ExecuteOn}, which has no slot, so the hook
 * costs one array look-up there. A reactive body that the method only assembles ({@code Mono.fromCallable(...)})
 * runs later, when the server subscribes to the response, still inside
 * {@code NettyRequestLifecycle.handleNormal(NettyHttpRequest)} (micronaut-http-server-netty 4.x), the whole of one
 * request's handling on the loop: there the request is remembered, and the watchdog finds its route match among
 * its attributes. Two stores per request, and two to restore, never one per Netty task.
 */
public final class MicronautInstrumentation {
    static final String MARKER = "io/micronaut/http/server/RouteExecutor.class";

    private MicronautInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("micronaut-4", List.of(MARKER), List.of(), List.of(
                new Hook(TypeMatch.named("io.micronaut.http.server.RouteExecutor"),
                        named("executeRouteAndConvertBody").and(arguments(3))
                                .and(argument(1, "Lio/micronaut/web/router/RouteMatch;")),
                        BridgeAdvice.HANDLER_IS_SECOND_ARGUMENT),
                new Hook(TypeMatch.named("io.micronaut.http.server.netty.NettyRequestLifecycle"),
                        named("handleNormal").and(arguments(1))
                                .and(argument(0, "Lio/micronaut/http/server/netty/NettyHttpRequest;")),
                        BridgeAdvice.HANDLER_IS_ARGUMENT)));
    }
}
