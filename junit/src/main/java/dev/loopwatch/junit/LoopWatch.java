package dev.loopwatch.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fails a test during which an event-loop task ran longer than {@link #threshold()} (or, with
 * {@link #blockingCalls()}, made a blocking call on a loop). The failure lists each violation with its
 * loop thread, task and culprit frame; the sampled stacks are attached.
 *
 * <p>On a class it applies to every test; on a method it overrides the class's settings. The agent should be
 * on the test JVM's command line ({@code -javaagent:} in Surefire's {@code argLine}); without it the
 * extension loads the agent itself and says once that {@code -javaagent} is preferred.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(LoopWatchExtension.class)
public @interface LoopWatch {
    /** A task running longer on a loop fails the test: a duration like {@code "50ms"}, {@code "250us"}. */
    String threshold() default "100ms";

    /** Whether a blocking call made on a loop fails the test (sleep, wait, park, file or socket I/O, DNS, ...). */
    boolean blockingCalls() default true;

    /**
     * Methods allowed to block on a loop, as {@code com.acme.Cache#load} or a whole class
     * {@code com.acme.Cache}: their blocking calls never fail the test.
     */
    String[] allow() default {};
}
