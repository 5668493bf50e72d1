package dev.loopwatch.agent;

import dev.loopwatch.bridge.Loops;

import java.util.Map;
import java.util.Set;

/**
 * Finds loop threads that were already inside their {@code run()} when the instrumentation was
 * installed (the agent attached late, or installed in the background while the service started): the
 * old frame of {@code run()} never reaches the new advice, so such threads are recognised by their
 * stack and registered once.
 */
final class RunningLoops {
    private RunningLoops() {
    }

    /** Registers every live thread whose stack holds {@code Class.run} for one of {@code loopClasses}. */
    static int adopt(Set<String> loopClasses) {
        int adopted = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getMethodName().equals("run") && loopClasses.contains(frame.getClassName())) {
                    if (Loops.adopt(e.getKey(), e.getKey().getContextClassLoader())) {
                        adopted++;
                    }
                    break;
                }
            }
        }
        return adopted;
    }
}
