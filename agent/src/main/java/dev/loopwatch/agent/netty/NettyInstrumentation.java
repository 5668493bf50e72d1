package dev.loopwatch.agent.netty;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;
import java.util.Set;

import static dev.loopwatch.agent.weave.MethodMatch.arguments;
import static dev.loopwatch.agent.weave.MethodMatch.descriptor;
import static dev.loopwatch.agent.weave.MethodMatch.isStatic;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * Where Netty's loops hand control to a task, per line. Both lines run queued and scheduled tasks through
 * {@code AbstractEventExecutor.runTask} (older 4.1 releases: {@code safeExecute}); they differ in the loop
 * ({@code NioEventLoop}/{@code EpollEventLoop.run} in 4.1, {@code SingleThreadIoEventLoop.run} in 4.2) and
 * in I/O dispatch ({@code processSelectedKey}/{@code processReady} in 4.1, one
 * {@code IoHandler}'s registration {@code handle} per ready channel in 4.2).
 */
public final class NettyInstrumentation {
    /** Only Netty 4.2 has the IoHandler abstraction. */
    static final String NETTY_42_MARKER = "io/netty/channel/IoHandler.class";
    static final String NETTY_COMMON = "io/netty/util/concurrent/AbstractEventExecutor.class";
    private static final List<String> LOOPS_41 = List.of("io.netty.channel.nio.NioEventLoop",
            "io.netty.channel.epoll.EpollEventLoop", "io.netty.channel.kqueue.KQueueEventLoop");
    private static final String LOOP_42 = "io.netty.channel.SingleThreadIoEventLoop";

    private NettyInstrumentation() {
    }

    /** Loop classes whose {@code run()} makes a thread a watched loop, for adopting running loops. */
    public static Set<String> loopClasses() {
        return Set.of(LOOPS_41.get(0), LOOPS_41.get(1), LOOPS_41.get(2), LOOP_42);
    }

    public static List<LibraryLine> lines() {
        return List.of(netty41(), netty42());
    }

    static LibraryLine netty41() {
        return new LibraryLine("netty-4.1", List.of(NETTY_COMMON), List.of(NETTY_42_MARKER), List.of(
                taskHook(), safeExecuteHook(),
                new Hook(TypeMatch.named(LOOPS_41.toArray(new String[0])),
                        named("run").and(descriptor("()V")), BridgeAdvice.LOOP_RUN),
                new Hook(TypeMatch.named("io.netty.channel.nio.NioEventLoop"),
                        named("processSelectedKey").and(arguments(2)), BridgeAdvice.IO),
                new Hook(TypeMatch.named("io.netty.channel.epoll.EpollEventLoop", "io.netty.channel.kqueue.KQueueEventLoop"),
                        named("processReady"), BridgeAdvice.IO)));
    }

    static LibraryLine netty42() {
        return new LibraryLine("netty-4.2", List.of(NETTY_COMMON, NETTY_42_MARKER), List.of(), List.of(
                taskHook(),
                new Hook(TypeMatch.named(LOOP_42), named("run").and(descriptor("()V")), BridgeAdvice.LOOP_RUN),
                // NioIoHandler$DefaultNioRegistration, EpollIoHandler$DefaultEpollIoRegistration, and the
                // kqueue and io_uring ones: each dispatches one ready channel.
                new Hook(TypeMatch.matching("io.netty.channel.", "IoHandler$", "Registration"),
                        named("handle").and(arguments(1)), BridgeAdvice.IO)));
    }

    /** {@code runTask(Runnable)}, in 4.1.75+ and 4.2. */
    private static Hook taskHook() {
        return new Hook(TypeMatch.named("io.netty.util.concurrent.AbstractEventExecutor"),
                named("runTask").and(isStatic()).and(descriptor("(Ljava/lang/Runnable;)V")), BridgeAdvice.TASK);
    }

    /** {@code safeExecute(Runnable)} in the 4.1 releases without {@code runTask}: a task is never looked up twice. */
    private static Hook safeExecuteHook() {
        return new Hook(TypeMatch.named("io.netty.util.concurrent.AbstractEventExecutor"),
                named("safeExecute").and(isStatic()).and(descriptor("(Ljava/lang/Runnable;)V")), BridgeAdvice.TASK,
                "runTask");
    }
}
