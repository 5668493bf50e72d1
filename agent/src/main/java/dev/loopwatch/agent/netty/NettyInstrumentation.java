package dev.loopwatch.agent.netty;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

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

    private NettyInstrumentation() {
    }

    /** Loop classes whose {@code run()} makes a thread a watched loop, for adopting running loops. */
    public static Set<String> loopClasses() {
        return Set.of("io.netty.channel.nio.NioEventLoop", "io.netty.channel.epoll.EpollEventLoop",
                "io.netty.channel.kqueue.KQueueEventLoop", "io.netty.channel.SingleThreadIoEventLoop");
    }

    public static List<LibraryLine> lines() {
        return List.of(netty41(), netty42());
    }

    static LibraryLine netty41() {
        return new LibraryLine("netty-4.1", List.of(NETTY_COMMON), List.of(NETTY_42_MARKER), List.of(
                taskHook(),
                new Hook(namedOneOf("io.netty.channel.nio.NioEventLoop", "io.netty.channel.epoll.EpollEventLoop",
                        "io.netty.channel.kqueue.KQueueEventLoop"),
                        named("run").and(takesNoArguments()), LoopRunAdvice.class),
                new Hook(named("io.netty.channel.nio.NioEventLoop"),
                        named("processSelectedKey").and(takesArguments(2)), IoAdvice.class),
                new Hook(namedOneOf("io.netty.channel.epoll.EpollEventLoop", "io.netty.channel.kqueue.KQueueEventLoop"),
                        named("processReady"), IoAdvice.class)));
    }

    static LibraryLine netty42() {
        return new LibraryLine("netty-4.2", List.of(NETTY_COMMON, NETTY_42_MARKER), List.of(), List.of(
                taskHook(),
                new Hook(named("io.netty.channel.SingleThreadIoEventLoop"),
                        named("run").and(takesNoArguments()), LoopRunAdvice.class),
                // NioIoHandler$DefaultNioRegistration, EpollIoHandler$DefaultEpollIoRegistration, and the
                // kqueue and io_uring ones: each dispatches one ready channel.
                new Hook(nameStartsWith("io.netty.channel.").and(nameContains("IoHandler$"))
                        .and(nameEndsWith("Registration")),
                        named("handle").and(takesArguments(1)), IoAdvice.class)));
    }

    /** {@code runTask(Runnable)} where it exists (4.1.75+ and 4.2), else {@code safeExecute(Runnable)}. */
    private static Hook taskHook() {
        ElementMatcher.Junction<MethodDescription> oneRunnable =
                isStatic().and(takesArguments(1)).and(takesArgument(0, Runnable.class));
        return new Hook(named("io.netty.util.concurrent.AbstractEventExecutor"),
                oneRunnable.and(named("runTask").or(named("safeExecute").and(new DeclaringTypeLacks("runTask")))),
                TaskAdvice.class);
    }
}
