package dev.loopwatch.agent.reactor;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.netty.TaskAdvice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Reactor's non-blocking schedulers ({@code Schedulers.parallel()}, {@code single()}): their threads are
 * loops in spirit (Reactor itself forbids blocking calls on them), so their tasks are timed like a Netty
 * loop's, and reported as a {@code scheduler} thread. Threads are registered when the scheduler's thread
 * factory makes them; each task is one {@code call()} of Reactor's task types, timed by the same advice as
 * Netty's {@code runTask}. {@code boundedElastic-*} threads are not non-blocking and are not watched.
 */
public final class ReactorInstrumentation {
    static final String MARKER = "reactor/core/scheduler/NonBlocking.class";

    /** The package prefix the line's types live in (for the agent's ignore rule). */
    public static final String PACKAGE = "reactor.core.scheduler.";

    private ReactorInstrumentation() {
    }

    public static List<LibraryLine> lines() {
        return List.of(new LibraryLine("reactor-3", List.of(MARKER), List.of(), List.of(
                new Hook(named("reactor.core.scheduler.ReactorThreadFactory"),
                        named("newThread").and(takesArguments(1)).and(returns(Thread.class)),
                        SchedulerThreadAdvice.class),
                new Hook(namedOneOf("reactor.core.scheduler.SchedulerTask", "reactor.core.scheduler.WorkerTask",
                        "reactor.core.scheduler.PeriodicSchedulerTask", "reactor.core.scheduler.PeriodicWorkerTask",
                        "reactor.core.scheduler.InstantPeriodicWorkerTask"),
                        named("call").and(takesArguments(0)).and(not(isBridge())), TaskAdvice.class))));
    }
}
