package dev.loopwatch.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the child JVMs the drivers measure: the same java binary and class path as the
 * driver itself (so running a driver on JDK 25 measures JDK 25), optionally with the agent.
 */
final class JavaCommand {
    private JavaCommand() {
    }

    /** {@code java [-javaagent:...=agentOptions] -cp <this class path> mainClass args...}; agentOptions null = no agent. */
    static List<String> of(String agentOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agentOptions != null) {
            command.add(AgentJar.javaagentArg(agentOptions));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a child whose stdout is dropped and whose stderr (where the agent says when it fails) is shown. */
    static Process start(List<String> command) throws java.io.IOException {
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
