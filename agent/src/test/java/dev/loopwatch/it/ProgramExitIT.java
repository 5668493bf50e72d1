package dev.loopwatch.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program under the agent exits when its {@code main} returns: none of loopwatch's threads keeps the JVM
 * alive (a thread that is not a daemon, such as JFR's {@code RecordingStream.startAsync} runs, would).
 */
class ProgramExitIT {
    @Test
    void jvmExitsWhenMainReturns() throws Exception {
        Path out = Files.createTempFile("loopwatch-exit", ".txt");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-javaagent:" + ForkedServer.AGENT_JAR.toAbsolutePath() + "=log=off",
                "-cp", ForkedServer.CLASSES.toAbsolutePath() + File.pathSeparator
                        + ForkedServer.LIBS.resolve("netty-4.2").toAbsolutePath() + File.separator + "*",
                ShortProgram.class.getName());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LOOPWATCH_"));
        Process p = builder.start();
        boolean exited = p.waitFor(40, TimeUnit.SECONDS);
        String output = Files.readString(out);
        if (!exited) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertTrue(output.contains("AGENT=yes"), "loopwatch's threads never ran, so this proves nothing:\n" + output);
        assertTrue(output.contains("MAIN=returned"), output);
        // Under -javaagent the agent's classes are defined in the bootstrap loader (not verified, see
        // BootstrapAgentLoader), and the system class loader finds them there.
        assertTrue(output.contains("CORE_LOADER=bootstrap"), output);
        assertTrue(exited, "the JVM did not exit 40 s after main() returned:\n" + output);
        assertEquals(0, p.exitValue(), output);
    }
}
