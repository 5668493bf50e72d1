package dev.loopwatch.junit;

import dev.loopwatch.core.Instrumentations;
import dev.loopwatch.core.LoopWatch;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the agent runs in this JVM. Preferred: {@code -javaagent} on the command line (then this
 * is in force before the tests run). Otherwise the agent jar is found (system property
 * {@code loopwatch.agent.jar}, else on the class path) and loaded by a short-lived helper process that
 * attaches to this JVM, and a note says once that {@code -javaagent} is preferred. If neither works the
 * test fails with a configuration error saying what to do: it never passes unwatched.
 */
final class AgentLoader {
    static final String AGENT_JAR_PROPERTY = "loopwatch.agent.jar";
    private static final long READY_TIMEOUT_SECONDS = 30;
    private static volatile boolean selfAttached;

    private AgentLoader() {
    }

    static synchronized LoopWatch ensureLoaded() {
        if (LoopWatch.current() == null) {
            failIfRefused();
            attach(findAgentJar());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (LoopWatch.current() == null || !Instrumentations.isReady()) {
            failIfRefused();
            if (System.nanoTime() > deadline) {
                throw new ExtensionConfigurationException("loopwatch: the agent did not finish installing within "
                        + READY_TIMEOUT_SECONDS + " s; see its messages on stderr");
            }
            sleepBriefly();
        }
        return LoopWatch.current();
    }

    /**
     * The agent is in this JVM but stays off (a bad option, e.g. {@code -Dloopwatch.threshold=banana}):
     * loading it again would only refuse again, so every watched test fails at once with the agent's reason.
     */
    private static void failIfRefused() {
        String refusal = LoopWatch.refusal();
        if (refusal != null) {
            throw new ExtensionConfigurationException("loopwatch: the agent is loaded but off: " + refusal);
        }
    }

    static boolean selfAttached() {
        return selfAttached;
    }

    private static Path findAgentJar() {
        String configured = System.getProperty(AGENT_JAR_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        URL main = AgentLoader.class.getClassLoader().getResource("dev/loopwatch/agent/AgentMain.class");
        if (main != null && main.getProtocol().equals("jar")) {
            String jar = main.getPath().substring(0, main.getPath().indexOf("!/"));
            try {
                return Path.of(new URL(jar).toURI());
            } catch (Exception e) {
                // fall through to the configuration error
            }
        }
        throw notLoaded("the agent jar was not found (set -D" + AGENT_JAR_PROPERTY + "=<path> or add "
                + "dev.loopwatch:loopwatch-agent as a test dependency)");
    }

    private static void attach(Path jar) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder command = new ProcessBuilder(java.toString(), "-cp", jar.toString(),
                "dev.loopwatch.agent.Attach", Long.toString(ProcessHandle.current().pid()), "")
                .redirectErrorStream(true);
        String output;
        int exit;
        try {
            Process process = command.start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw notLoaded("attaching to this JVM timed out");
            }
            exit = process.exitValue();
        } catch (java.io.IOException e) {
            throw notLoaded("could not start " + java + " to attach it (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notLoaded("interrupted while attaching");
        }
        if (exit != 0) {
            throw notLoaded("attaching to this JVM failed: " + output);
        }
        selfAttached = true;
        System.err.println("loopwatch: the agent was loaded into the test JVM by self-attach; prefer -javaagent:"
                + jar + " in Surefire's argLine (dynamic agent loading is warned about from JDK 21 and will be "
                + "disallowed)");
    }

    private static ExtensionConfigurationException notLoaded(String why) {
        return new ExtensionConfigurationException("loopwatch: the agent is not running in this JVM and " + why
                + ". Add -javaagent:<path to loopwatch-agent.jar> to the test JVM (Surefire/Failsafe argLine, see "
                + "the loopwatch README).");
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExtensionConfigurationException("loopwatch: interrupted while waiting for the agent");
        }
    }
}
