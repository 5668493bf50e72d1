package dev.loopwatch.agent.netty;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * The opt-in ({@code executors=on}) watch of Netty's {@code DefaultEventExecutorGroup} threads, on Netty
 * 4.1 and 4.2 alike ({@code DefaultEventExecutor.run()} is the executor's loop in both). Their tasks go
 * through {@code AbstractEventExecutor.runTask}, which the Netty lines already time.
 */
public final class ExecutorInstrumentation {
    private ExecutorInstrumentation() {
    }

    public static LibraryLine line() {
        return new LibraryLine("netty-executors", List.of(NettyInstrumentation.NETTY_COMMON), List.of(), List.of(
                new Hook(named("io.netty.util.concurrent.DefaultEventExecutor"),
                        named("run").and(takesNoArguments()), ExecutorRunAdvice.class)));
    }
}
