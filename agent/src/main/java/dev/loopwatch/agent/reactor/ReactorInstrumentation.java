package dev.loopwatch.agent.reactor;

import dev.loopwatch.agent.BridgeAdvice;
import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.TypeMatch;

import java.util.List;

import static dev.loopwatch.agent.weave.MethodMatch.arguments;
import static dev.loopwatch.agent.weave.MethodMatch.named;
import static dev.loopwatch.agent.weave.MethodMatch.notBridge;
import static dev.loopwatch.agent.weave.MethodMatch.returns;

/**
 * Reactor's non-blocking schedulers ({@code Schedulers.parallel()}, {@code single()}): their threads are
 * loops in spirit (Reactor itself forbids blocking calls on them), so their tasks are timed like a Netty
 * loop's, and reported as a {@code scheduler} thread. A thread is registered when the scheduler's thread
 * factory makes it (once per thread, not per task: {@code ReactorThreadFactory.newThread}, where its
 * {@code rejectBlocking} says non-blocking); each task is one {@code call()} of Reactor's task types, timed by the
 * same advice as Netty's {@code runTask}. {@code boundedElastic-*} threads are not non-blocking and are not watched.
 */
public final class ReactorInstrumentation {
    static final String MARKER = "reactor/core/scheduler/NonBlocking.class";

    private ReactorInstrumentation() {
    }

    public static List<LibraryLine> lines() {
        return List.of(new LibraryLine("reactor-3", List.of(MARKER), List.of(), List.of(
                new Hook(TypeMatch.named("reactor.core.scheduler.ReactorThreadFactory"),
                        named("newThread").and(arguments(1)).and(returns("Ljava/lang/Thread;")),
                        BridgeAdvice.SCHEDULER_THREAD),
                new Hook(TypeMatch.named("reactor.core.scheduler.SchedulerTask", "reactor.core.scheduler.WorkerTask",
                        "reactor.core.scheduler.PeriodicSchedulerTask", "reactor.core.scheduler.PeriodicWorkerTask",
                        "reactor.core.scheduler.InstantPeriodicWorkerTask"),
                        named("call").and(arguments(0)).and(notBridge()), BridgeAdvice.TASK))));
    }
}
