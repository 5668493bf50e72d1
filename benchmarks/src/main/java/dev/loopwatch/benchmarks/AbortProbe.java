package dev.loopwatch.benchmarks;

import dev.loopwatch.core.LoopWatch;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** In an agent fork of the abort benchmarks: waits until the named class got its abort checks, or throws. */
final class AbortProbe {
    private AbortProbe() {
    }

    static void awaitInstrumented(String className, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            LoopWatch engine = LoopWatch.current();
            if (engine != null && engine.status().instrumented()) {
                List<String> types = engine.status().instrumentations().get("abort");
                if (types != null && types.contains(className)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(className + " did not get abort checks within " + timeout + " " + unit
                        + (engine == null ? " (no engine: was -javaagent given?)" : ": " + engine.status()));
            }
            Thread.sleep(10);
        }
    }

    static boolean loopwatchPresent() {
        try {
            Class.forName("dev.loopwatch.core.LoopWatch", false, AbortProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
