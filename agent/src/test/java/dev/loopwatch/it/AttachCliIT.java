package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent jar as a command: {@code java -jar loopwatch-agent.jar attach <pid> [options]} and {@code list}, against
 * a Netty service started without the agent. Every failure is one line on stderr and a non-zero exit.
 */
class AttachCliIT {
    private static final String SPIN = FixtureServer.class.getName() + "$Handler.spin(";

    @Test
    void attachToAServiceStartedWithoutTheAgentReportsASpinAndASecondAttachChangesTheThreshold() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withoutAgent().start()) {
            server.get("/fast");
            String pid = Long.toString(server.pid());

            Result list = cli("list");
            assertEquals(0, list.status, list.toString());
            assertTrue(list.out.lines().anyMatch(l -> l.equals(pid + " " + FixtureServer.class.getName())), list.toString());

            String report = "report=" + server.reportFile();
            Result first = cli("attach", pid, "threshold=50ms", "tick=5ms", report);
            assertEquals(0, first.status, first + server.stderr());
            assertEquals("", first.err, first.toString());
            assertTrue(first.out.startsWith("loopwatch in " + pid + " is running: threshold 50 ms, tick 5.0 ms"), first.toString());

            server.get("/spin?ms=300");
            JsonNode stall = awaitStall(server, 0);
            assertTrue(stall.get("culprit").asText().startsWith(SPIN), stall.toString());
            assertEquals(50.0, stall.get("thresholdMs").asDouble(), stall.toString());

            // A second attach: the threshold changes live, the tick cannot, and says so; nothing is installed twice.
            Result second = cli("attach", pid, "threshold=1s", "tick=2ms", report);
            assertEquals(0, second.status, second + server.stderr());
            assertEquals("loopwatch in " + pid + " was already running: threshold 50 ms -> 1000 ms (the watchdog still"
                    + " looks every 5.0 ms); cannot change in a running JVM: tick (stays 5.0 ms) (restart the service"
                    + " with -javaagent to change them)", second.out.trim());
            int before = server.reports().size();
            // A wide margin on both sides: on a busy machine a spin's wall time can exceed its length by 100 ms.
            server.get("/spin?ms=200"); // a stall under the old threshold, not under the new one
            server.get("/spin?ms=1500");
            JsonNode next = awaitStall(server, before);
            assertEquals(1000.0, next.get("thresholdMs").asDouble(), next.toString());
            assertTrue(next.get("elapsedMs").asDouble() >= 1000, next.toString());
            Thread.sleep(300);
            assertEquals(1, server.reports().subList(before, server.reports().size()).stream()
                    .filter(r -> r.get("type").asText().equals("stall")).count(), server.reports().toString());

            Result same = cli("attach", pid, "threshold=1s", report);
            assertEquals(0, same.status, same.toString());
            assertEquals("loopwatch in " + pid + " was already running: nothing changed", same.out.trim());
            server.assertAgentHealthy();
            assertTrue(server.status().get("instrumented").asBoolean());
        }
    }

    /** A service started with -javaagent: attach changes its options (the agent's classes are in the bootstrap loader). */
    @Test
    void attachToAServiceUnderJavaagentChangesItsOptions() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.1", "nio").agentArgs("threshold=100ms,tick=10ms").start()) {
            server.warmUp();
            String pid = Long.toString(server.pid());
            Result result = cli("attach", pid, "threshold=30ms", "action=abort", "abort.include=com.acme",
                    "report=" + server.reportFile());
            assertEquals(0, result.status, result + server.stderr());
            assertEquals("loopwatch in " + pid + " was already running: threshold 100 ms -> 30 ms (the watchdog still"
                    + " looks every 10 ms); cannot change in a running JVM: action (stays log), abort.include (stays"
                    + " empty) (restart the service with -javaagent to change them)", result.out.trim());
            int before = server.reports().size();
            server.get("/spin?ms=80");
            JsonNode stall = awaitStall(server, before);
            assertEquals(30.0, stall.get("thresholdMs").asDouble(), stall.toString());
            server.assertAgentHealthy();
        }
    }

    /** The test word for word: a 300 ms spin, running when the agent arrives, is reported. */
    @Test
    void aSpinUnderWayWhenTheAgentArrivesIsReported() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.1", "nio").withoutAgent().start()) {
            server.get("/fast");
            CompletableFuture<String> spin = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.get("/spin?ms=3000");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Attach only once the spin is under way (seen in a thread dump): on a busy machine the request can take
            // longer to arrive than any fixed wait.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.threadDump().contains("$Handler.spin(") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Result attach = cli("attach", Long.toString(server.pid()), "threshold=50ms", "report=" + server.reportFile());
            assertEquals(0, attach.status, attach.toString());
            JsonNode stall = awaitStall(server, 0);
            assertTrue(stall.get("culprit").asText().startsWith(SPIN), stall.toString());
            spin.get(30, TimeUnit.SECONDS);
            server.assertAgentHealthy();
        }
    }

    @Test
    void aWrongPidOrCommandLineIsOneLineAndANonZeroExit() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Result noProcess = cli("attach", Long.toString(gone.pid()), "threshold=50ms");
        assertOneLineError(noProcess, 1, "loopwatch: no process with pid " + gone.pid() + ";");

        assertOneLineError(cli("attach", "abc"), 2, "loopwatch: 'abc' is not a process id;");
        assertOneLineError(cli("attach"), 2, "loopwatch: attach needs a process id;");
        assertOneLineError(cli("detach", "1"), 2, "loopwatch: unknown command 'detach'; valid commands: attach, list;");
        assertOneLineError(cli(), 2, "usage: java -jar loopwatch-agent.jar attach <pid>");
        Result typo = cli("attach", Long.toString(ProcessHandle.current().pid()), "treshold=50ms");
        assertOneLineError(typo, 2, "loopwatch: unknown option 'treshold' (agent argument); valid options: threshold,");
        assertTrue(typo.err.contains("nothing was attached"), typo.toString());

        // A runtime without jdk.attach (a JRE, a jlink'd image; here --limit-modules): one line, not a stack trace.
        Result noAttachModule = run(List.of(), List.of("--limit-modules=java.se"), "list");
        assertOneLineError(noAttachModule, 1, "loopwatch: this Java runtime has no jdk.attach module");
    }

    @Test
    void aJvmWithAttachDisabledIsOneLineAndANonZeroExit() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withoutAgent()
                .jvmArg("-XX:+DisableAttachMechanism").start()) {
            Result result = cli("attach", Long.toString(server.pid()), "threshold=50ms");
            assertOneLineError(result, 1, "loopwatch: the JVM " + server.pid()
                    + " has attach disabled (-XX:+DisableAttachMechanism); restart it without that flag");
            assertFalse(cli("list").out.lines().anyMatch(l -> l.startsWith(server.pid() + " ")), "listed as attachable");
            assertEquals("{\"running\":false}", server.get("/status"));
        }
    }

    /** Run as another user (nobody) against this test's JVMs (root's): only where the tests run as root. */
    @Test
    void aJvmOfAnotherUserIsOneLineAndANonZeroExit() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/runuser")),
                "runs as root, with runuser");
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withoutAgent().start()) {
            Result result = run(List.of("/usr/sbin/runuser", "-u", "nobody", "--"), "attach", Long.toString(server.pid()));
            assertOneLineError(result, 1, "loopwatch: process " + server.pid() + " belongs to user root, not to nobody:");
            assertEquals("{\"running\":false}", server.get("/status"));
        }
    }

    private static JsonNode awaitStall(ForkedServer server, int skip) throws IOException, InterruptedException {
        List<JsonNode> stalls = server.awaitReports(skip, r -> r.get("type").asText().equals("stall"), 1, 10);
        assertFalse(stalls.isEmpty(), server::diagnostics);
        return stalls.get(0);
    }

    private static void assertOneLineError(Result result, int status, String start) {
        assertEquals(status, result.status, result.toString());
        assertEquals(1, result.err.lines().count(), result.toString());
        assertTrue(result.err.startsWith(start), result.toString());
        assertEquals("", result.out, result.toString());
    }

    private static Result cli(String... args) throws IOException, InterruptedException {
        return run(List.of(), List.of(), args);
    }

    private static Result run(List<String> prefix, String... args) throws IOException, InterruptedException {
        return run(prefix, List.of(), args);
    }

    /** {@code prefix java jvmArgs -jar agent.jar args}. */
    private static Result run(List<String> prefix, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:-UsePerfData"); // the command itself is not a JVM to list
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(ForkedServer.AGENT_JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path err = Files.createTempFile("loopwatch-cli", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static final class Result {
        final int status;
        final String out;
        final String err;

        Result(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + status + "\nstdout: " + out + "\nstderr: " + err;
        }
    }
}
