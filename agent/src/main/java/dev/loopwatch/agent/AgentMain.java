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

    /**
     * Attached to a running JVM ({@code java -jar loopwatch-agent.jar attach <pid>}, the JUnit extension's self-attach).
     * What happened is left, in one line, in the system property {@value #OUTCOME}, where the attach command reads it.
     */
    public static void agentmain(String args, Instrumentation inst) {
        String outcome = start(args, inst, true, AgentMain.class.getClassLoader());
        try {
            System.setProperty(OUTCOME, outcome);
        } catch (RuntimeException e) {
            // a security manager's refusal: the attach command then says it got no answer
        }
    }

    /** The system property a late attach leaves its outcome in (not {@code loopwatch.*}: that is for options). */
    static final String OUTCOME = "dev.loopwatch.attach.outcome";

    private static String start(String args, Instrumentation inst, boolean late, ClassLoader loader) {
        try {
            Method install = Class.forName(INSTALLER, true, loader)
                    .getDeclaredMethod("install", String.class, Instrumentation.class, boolean.class);
            install.setAccessible(true);
            return String.valueOf(install.invoke(null, args, inst, late));
        } catch (InvocationTargetException e) {
            return failed(e.getCause());
        } catch (Throwable t) {
            return failed(t);
        }
    }

    private static String failed(Throwable t) {
        String line = "loopwatch: could not start (" + t + "); the service runs without loopwatch";
        System.err.println(line);
        return line;
    }
}
