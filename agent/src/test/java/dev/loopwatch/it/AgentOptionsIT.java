package dev.loopwatch.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad option is one line naming it and the valid choices; loopwatch stays off; the service serves. */
class AgentOptionsIT {

    @org.junit.jupiter.api.Test
    void unknownEnvironmentVariableIsNamedOnceAndLoopwatchStaysOn() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").env("LOOPWATCH_HOME", "/opt/lw").start()) {
            assertEquals("ok", server.get("/fast"));
            assertTrue(server.status().get("running").asBoolean(), "loopwatch stays on");
            List<String> lines = server.stderr().lines().filter(l -> l.startsWith("loopwatch:")).toList();
            assertEquals(List.of("loopwatch: ignoring unknown environment variable LOOPWATCH_HOME; valid options: "
                    + dev.loopwatch.core.config.Option.validKeys()), lines);
        }
    }

    /** Surefire passes a build's -Dloopwatch.version=... on: the surroundings never switch loopwatch off. */
    @org.junit.jupiter.api.Test
    void unknownSystemPropertyIsNamedOnceAndLoopwatchStaysOn() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").jvmArg("-Dloopwatch.version=0.1.0-SNAPSHOT")
                .start()) {
            assertEquals("ok", server.get("/fast"));
            assertTrue(server.status().get("running").asBoolean(), "loopwatch stays on");
            List<String> lines = server.stderr().lines().filter(l -> l.startsWith("loopwatch:")).toList();
            assertEquals(List.of("loopwatch: unknown option 'loopwatch.version' (system property); valid options: "
                    + dev.loopwatch.core.config.Option.validKeys() + "; ignored"), lines);
        }
    }

    /** A report file that cannot be opened is said once at start; the stalls are still logged. */
    @org.junit.jupiter.api.Test
    void aReportFileThatCannotBeOpenedIsSaidOnceAndTheLogReportsGoOn(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path report = notADirectory.resolve("reports.jsonl");
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms,report=" + report)
                .start()) {
            assertEquals("ok", server.get("/fast"));
            assertTrue(server.status().get("running").asBoolean(), "loopwatch stays on");
            server.get("/spin?ms=150");
            List<String> said = server.stderr().lines().filter(l -> l.startsWith("loopwatch:")).toList();
            assertEquals(1, said.size(), "one line about the file: " + said);
            assertTrue(said.get(0).startsWith("loopwatch: cannot open the report file " + report), said.get(0));
            assertTrue(said.get(0).endsWith("no JSON-lines reports, log reports go on"), said.get(0));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!server.stderr().contains("stalled: running") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(server.stderr().contains("stalled: running"), "the stall is still logged: " + server.stderr());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "arg  | threshold=abc    | loopwatch: bad value 'abc' for option threshold (agent argument): expected a duration like 500us, 50ms, 2s or 1m",
            "arg  | treshold=50ms    | loopwatch: unknown option 'treshold' (agent argument); valid options: threshold, report,",
            "arg  | log=maybe        | loopwatch: bad value 'maybe' for option log (agent argument): expected on or off",
            "arg  | threshold=50ms,threshold=60ms | loopwatch: option threshold given twice in the agent arguments ('50ms' and '60ms')",
            "arg  | threshold        | loopwatch: option 'threshold' has no value: write key=value (valid keys: threshold,",
            "prop | threshold=-5ms   | loopwatch: bad value '-5ms' for option threshold (system property loopwatch.threshold)",
            "env  | THRESHOLD=fast   | loopwatch: bad value 'fast' for option threshold (environment variable LOOPWATCH_THRESHOLD)",
    })
    void badOptionIsOneLineAndTheServiceStillServes(String where, String option, String expected) throws Exception {
        ForkedServer.Builder builder = ForkedServer.on("netty-4.2", "nio");
        String key = option.substring(0, option.contains("=") ? option.indexOf('=') : option.length());
        String value = option.contains("=") ? option.substring(option.indexOf('=') + 1) : "";
        switch (where) {
            case "arg": builder.agentArgs(option); break;
            case "prop": builder.jvmArg("-Dloopwatch." + key + "=" + value); break;
            default: builder.env("LOOPWATCH_" + key, value);
        }
        try (ForkedServer server = builder.start()) {
            assertEquals("ok", server.get("/fast"));
            assertEquals("{\"running\":false}", server.get("/status"), "loopwatch stays off");
            List<String> lines = server.stderr().lines().toList();
            assertEquals(1, lines.size(), "exactly one line on stderr: " + lines);
            assertTrue(lines.get(0).startsWith(expected), lines.get(0));
            assertTrue(lines.get(0).endsWith("loopwatch is off"), lines.get(0));
        }
    }
}
