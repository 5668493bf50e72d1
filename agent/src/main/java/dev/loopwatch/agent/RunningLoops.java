package dev.loopwatch.agent;

import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.DispatchPoint;

import java.util.Map;
import java.util.Set;

/**
 * Finds loop threads that were already inside their {@code run()} when the agent attached late: the old frame of
 * {@code run()} never reaches the new advice, so such threads are recognised by their stack and registered once.
 * A loop whose stack shows it inside a task (a dispatch point above its {@code run()}) is adopted with that task
 * running: a long task the agent arrived in the middle of is reported like any other.
 */
final class RunningLoops {
    private RunningLoops() {
    }

    /** Registers every live thread whose stack holds {@code Class.run} for one of {@code loopClasses}. */
    static int adopt(Set<String> loopClasses) {
        int adopted = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = e.getValue();
            for (StackTraceElement frame : stack) {
                if (frame.getMethodName().equals("run") && loopClasses.contains(frame.getClassName())) {
                    if (Loops.adopt(e.getKey(), e.getKey().getContextClassLoader(), DispatchPoint.inTask(stack))) {
                        adopted++;
                    }
                    break;
                }
            }
        }
        return adopted;
    }
}
