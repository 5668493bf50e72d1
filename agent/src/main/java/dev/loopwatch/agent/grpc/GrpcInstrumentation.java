package dev.loopwatch.agent.grpc;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.isPublic;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * gRPC-java servers: where grpc-core hands one inbound event of a call to the application's listener
 * ({@code ServerCallImpl.ServerStreamListenerImpl}: a message, the half-close that runs a unary method, ready,
 * closed), the listener is remembered in the loop's slot (its call's method descriptor names the RPC:
 * {@code grpc helloworld.Greeter/SayHello}). That is on the call's executor: a Netty loop only with
 * {@code directExecutor()}; elsewhere the thread has no slot and the hook costs one array look-up. Stalls are
 * timed by the Netty lines, as for every gRPC-netty loop.
 */
public final class GrpcInstrumentation {
    static final String MARKER = "io/grpc/internal/ServerCallImpl.class";
    static final String LISTENER = "io.grpc.internal.ServerCallImpl$ServerStreamListenerImpl";

    private GrpcInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("grpc", List.of(MARKER), List.of(), List.of(
                new Hook(TypeMatch.named(LISTENER),
                        named("messagesAvailable", "halfClosed", "closed", "onReady").and(isPublic()),
                        BridgeAdvice.HANDLER_IS_RECEIVER)));
    }
}
