package dev.loopwatch.agent.resteasy;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.arguments;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * RESTEasy Reactive (Quarkus REST, 3.x): where a request's handler chain runs, so that a report names the resource
 * method ({@code GET /orders/{id} (com.acme.OrderResource.get)}) instead of the one Vert.x route that Quarkus
 * mounts its REST layer on. {@code AbstractResteasyReactiveContext.run()} runs the chain (routing, then the
 * resource method on the loop for {@code @NonBlocking} and reactive methods, and resumes it after a suspension);
 * the request context, its receiver, is stored in the loop's slot for its duration and the outer handler
 * restored after. The context only finds its target once the chain's routing step has run, but the watchdog
 * reads it when it reports, later (see {@code ResteasyReactiveNames} in core). A chain run on a worker thread
 * ({@code @Blocking}) has no slot there: the hook does nothing. Stalls are timed by the Netty line, as for
 * every Vert.x loop.
 */
public final class ResteasyReactiveInstrumentation {
    static final String MARKER = "org/jboss/resteasy/reactive/common/core/AbstractResteasyReactiveContext.class";
    static final String CONTEXT = "org.jboss.resteasy.reactive.common.core.AbstractResteasyReactiveContext";

    private ResteasyReactiveInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("resteasy-reactive", List.of(MARKER), List.of(), List.of(
                new Hook(TypeMatch.named(CONTEXT), named("run").and(arguments(0)), BridgeAdvice.HANDLER_IS_RECEIVER)));
    }
}
