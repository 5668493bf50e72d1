package dev.loopwatch.agent;

import java.lang.reflect.Method;

/**
 * Loads the agent into another running JVM: {@code java -cp loopwatch-agent.jar dev.loopwatch.agent.Attach
 * <pid> [agent options]}. The JUnit extension runs it as a separate process to load loopwatch into its own
 * test JVM when {@code -javaagent} was not given: a JVM may not attach to itself unless started with
 * {@code -Djdk.attach.allowAttachSelf=true}. The attach API is reached by reflection so that the agent
 * jar has no compile-time tie to the {@code jdk.attach} module.
 */
public final class Attach {
    private Attach() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Attach <pid> [agent options]");
            System.exit(2);
        }
        String jar = Attach.class.getProtectionDomain().getCodeSource().getLocation().toURI().getPath();
        Class<?> vmType = Class.forName("com.sun.tools.attach.VirtualMachine");
        Object vm = vmType.getMethod("attach", String.class).invoke(null, args[0]);
        try {
            Method load = vmType.getMethod("loadAgent", String.class, String.class);
            load.invoke(vm, jar, args.length > 1 ? args[1] : "");
        } finally {
            vmType.getMethod("detach").invoke(vm);
        }
    }
}
