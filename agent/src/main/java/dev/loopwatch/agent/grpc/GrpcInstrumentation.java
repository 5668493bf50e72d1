package dev.loopwatch.agent.grpc;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

/**
 * gRPC-java servers: where grpc-core hands one inbound event of a call to the application's listener
 * ({@code ServerCallImpl.ServerStreamListenerImpl}: a message, the half-close that runs a unary method, ready,
 * closed), so that a stall report names the RPC ({@code grpc helloworld.Greeter/SayHello}). That is on the
 * call's executor: a Netty loop only with {@code directExecutor()}; elsewhere the thread has no slot and the
 * hook does nothing. Stalls are timed by the Netty lines, as for every gRPC-netty loop.
 */
public final class GrpcInstrumentation {
    static final String MARKER = "io/grpc/internal/ServerCallImpl.class";
    static final String LISTENER = "io.grpc.internal.ServerCallImpl$ServerStreamListenerImpl";

    /** The prefix of the line's only type (for the agent's ignore rule: no other gRPC class is looked at). */
    public static final String PACKAGE = "io.grpc.internal.ServerCallImpl";

    private GrpcInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("grpc", List.of(MARKER), List.of(), List.of(
                new Hook(named(LISTENER),
                        namedOneOf("messagesAvailable", "halfClosed", "closed", "onReady").and(isPublic()),
                        CallListenerAdvice.class)));
    }
}
