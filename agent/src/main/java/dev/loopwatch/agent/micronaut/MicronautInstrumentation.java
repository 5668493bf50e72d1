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
 * Micronaut 4's HTTP server: where it runs the matched route's controller method, the route match is remembered in
 * the loop's slot, so that a stall report names the endpoint ({@code GET /orders/{id} (com.acme.OrderController.get)},
 * see {@code MicronautRouteNames} in core). Micronaut's server loops are Netty 4.2 loops, timed by the Netty line;
 * this hook only names.
 *
 * <p>The dispatch point is {@code RouteExecutor.executeRouteAndConvertBody(PropagatedContext, RouteMatch,
 * HttpRequest)} (micronaut-http-server 4.x): it binds the arguments, calls {@code routeMatch.execute()} (the
 * controller method) and turns what it returned into the response, on whatever thread the route runs: the loop by
 * default ({@code thread-selection: MANUAL}), an executor's thread under {@code @ExecuteOn}, which has no slot, so
 * the hook costs one array look-up there. One store per request, and one to restore, never one per Netty task. A
 * reactive body that the method only assembles (a {@code Mono.fromCallable}) runs later, when the server subscribes
 * to it, outside this method: such a stall is named from the stack, as any Netty task.
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
                        BridgeAdvice.HANDLER_IS_SECOND_ARGUMENT)));
    }
}
