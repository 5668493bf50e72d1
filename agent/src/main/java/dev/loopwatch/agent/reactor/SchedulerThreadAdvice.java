package dev.loopwatch.agent.reactor;

import dev.loopwatch.bridge.Loops;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of Reactor's {@code ReactorThreadFactory.newThread}: a thread made for a non-blocking
 * scheduler ({@code parallel-*}, {@code single-*}: the factory's {@code rejectBlocking}) is watched, as a
 * scheduler, from birth. Runs once per thread, not per task.
 */
public final class SchedulerThreadAdvice {
    private SchedulerThreadAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return Thread thread, @Advice.FieldValue("rejectBlocking") boolean nonBlocking,
                     @Advice.Origin Class<?> factory) {
        if (nonBlocking) {
            Loops.registerScheduler(thread, factory);
        }
    }
}
