package dev.loopwatch.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the agent jar the measured JVMs are started with. Derived at run time, never baked in at build
 * time, so the same benchmarks.jar measures whatever agent was built last.
 */
final class AgentJar {
    /**
     * Overrides the search: {@code -Dbenchmarks.agent=/path/to/loopwatch-agent.jar}. Deliberately not in the
     * {@code loopwatch.} namespace: loopwatch reads its options from {@code loopwatch.*} properties and
     * {@code LOOPWATCH_*} variables and switches itself off on an unknown one.
     */
    static final String PROPERTY = "benchmarks.agent";
    private static final Path RELATIVE = Path.of("agent", "target", "loopwatch-agent.jar");

    private AgentJar() {
    }

    /** The agent jar, or an exception naming where it looked (a benchmark must not run without it). */
    static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return existing(Path.of(configured).toAbsolutePath());
        }
        // benchmarks.jar sits in <repo>/benchmarks/target/, so the repo root is two levels up from its folder.
        Path self = ownLocation();
        if (self != null) {
            for (Path dir = self.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(RELATIVE);
                if (Files.isRegularFile(candidate)) {
                    return candidate.normalize();
                }
            }
        }
        return existing(RELATIVE.toAbsolutePath());
    }

    /** {@code -javaagent:<jar>} plus options, e.g. {@code threshold=50ms,log=off}; options may be empty. */
    static String javaagentArg(String options) {
        String arg = "-javaagent:" + locate();
        return options == null || options.isEmpty() ? arg : arg + "=" + options;
    }

    private static Path existing(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("agent jar not found at " + path
                    + "; build it (mvn -q install -DskipTests at the repo root) or set -D" + PROPERTY + "=...");
        }
        return path;
    }

    private static Path ownLocation() {
        try {
            return Path.of(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
