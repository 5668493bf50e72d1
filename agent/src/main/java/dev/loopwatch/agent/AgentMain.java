package dev.loopwatch.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}): a trampoline that can never
 * take the service down. Whatever goes wrong while starting is one line on standard error, and the
 * service starts without loopwatch.
 */
public final class AgentMain {
    private AgentMain() {
    }

    /** {@code -javaagent:loopwatch-agent.jar=threshold=50ms,...} */
    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    /** Attached to a running JVM (the JUnit extension's self-attach). */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static void start(String args, Instrumentation inst, boolean late) {
        try {
            AgentInstaller.install(args, inst, late);
        } catch (Throwable t) {
            System.err.println("loopwatch: could not start (" + t + "); the service runs without loopwatch");
        }
    }
}
