package dev.loopwatch.agent.netty;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.descriptor;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * The opt-in ({@code executors=on}) watch of Netty's {@code DefaultEventExecutorGroup} threads, on Netty
 * 4.1 and 4.2 alike ({@code DefaultEventExecutor.run()} is the executor's loop in both). Their tasks go
 * through {@code AbstractEventExecutor.runTask}, which the Netty lines already time. Off by default: such a group
 * exists to take blocking handlers off the I/O loops, so its threads blocking is usually by design.
 */
public final class ExecutorInstrumentation {
    private ExecutorInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("netty-executors", List.of(NettyInstrumentation.NETTY_COMMON), List.of(), List.of(
                new Hook(TypeMatch.named("io.netty.util.concurrent.DefaultEventExecutor"),
                        named("run").and(descriptor("()V")), BridgeAdvice.EXECUTOR_RUN)));
    }
}
