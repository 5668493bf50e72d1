package dev.loopwatch.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}): a trampoline that can never
 * take the service down. Whatever goes wrong while starting is one line on standard error, and the
 * service starts without loopwatch.
 *
 * <p>Under {@code -javaagent} the agent's classes are first defined in the bootstrap class loader
 * ({@link BootstrapAgentLoader}), and the install runs there; attached late, it runs from the system class loader,
 * which may have loaded loopwatch's classes already (the JUnit extension's). Either way {@link AgentInstaller} is
 * found by name, so that this class links to none of the agent's others.
 */
public final class AgentMain {
    private static final String INSTALLER = "dev.loopwatch.agent.AgentInstaller";

    private AgentMain() {
    }

    /** {@code -javaagent:loopwatch-agent.jar=threshold=50ms,...} */
    public static void premain(String args, Instrumentation inst) {
        ClassLoader loader = AgentMain.class.getClassLoader();
        try {
            if (BootstrapAgentLoader.defineAgent(inst)) {
                loader = null;
            }
        } catch (Throwable t) {
            failed(t);
            return;
        }
        start(args, inst, false, loader);
    }

    /** Attached to a running JVM (the JUnit extension's self-attach). */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true, AgentMain.class.getClassLoader());
    }

    private static void start(String args, Instrumentation inst, boolean late, ClassLoader loader) {
        try {
            Method install = Class.forName(INSTALLER, true, loader)
                    .getDeclaredMethod("install", String.class, Instrumentation.class, boolean.class);
            install.setAccessible(true);
            install.invoke(null, args, inst, late);
        } catch (InvocationTargetException e) {
            failed(e.getCause());
        } catch (Throwable t) {
            failed(t);
        }
    }

    private static void failed(Throwable t) {
        System.err.println("loopwatch: could not start (" + t + "); the service runs without loopwatch");
    }
}
