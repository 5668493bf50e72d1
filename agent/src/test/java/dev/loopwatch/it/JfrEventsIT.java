package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports as JFR events in a service under {@code -javaagent} (the agent's classes in the bootstrap loader): a spin and
 * a blocking call show as {@code loopwatch.Stall}, {@code loopwatch.StallEnd} and {@code loopwatch.BlockingCall}, in
 * category "loopwatch", with the culprit and the loop's stack, whether the recording was started with the JVM or later
 * with {@code jcmd}; and with no recording loopwatch does not start JFR.
 */
class JfrEventsIT {
    private static final String HANDLER = FixtureServer.class.getName() + "$Handler.";
    private static final Path JAVA_BIN = Path.of(System.getProperty("java.home"), "bin");

    @Test
    void aRecordingStartedWithTheJvmHoldsTheEvents() throws Exception {
        Path dir = Files.createTempDirectory("loopwatch-jfr");
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms")
                .jvmArg("-XX:StartFlightRecording=name=lw,settings=default").start()) {
            server.warmUp();
            List<RecordedEvent> events = spinSleepAndRecord(server, dir);
            assertEvents(server, events);

            // What a user runs: `jfr print --categories loopwatch` lists them all.
            String printed = run(JAVA_BIN.resolve("jfr").toString(), "print", "--categories", "loopwatch",
                    dir.resolve("lw.jfr").toString());
            for (String name : List.of("loopwatch.Stall {", "loopwatch.StallEnd {", "loopwatch.BlockingCall {")) {
                assertTrue(printed.contains(name), name + " in jfr print:\n" + printed);
            }
            server.assertAgentHealthy();
        } finally {
            deleteAll(dir);
        }
    }

    /**
     * The same service without any recording: reports are made, and loopwatch's JFR sink runs, yet no class of
     * {@code jdk.jfr.internal} is loaded (JFR is not started). Netty 4.1: Netty 4.2's allocator touches JFR itself.
     * Then a recording started at run time with {@code jcmd JFR.start} gets the events of the next reports.
     */
    @Test
    void withoutARecordingJfrIsNotStartedAndARecordingStartedLaterGetsTheEvents() throws Exception {
        Path dir = Files.createTempDirectory("loopwatch-jfr");
        Path classes = dir.resolve("classes.txt");
        try (ForkedServer server = ForkedServer.on("netty-4.1", "nio").agentArgs("threshold=50ms")
                .jvmArg("-Xlog:class+load=info:file=" + classes).start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/spin?ms=200");
            server.get("/sleep?ms=20");
            assertFalse(server.awaitReports(before, r -> r.get("type").asText().equals("stall-end"), 1, 10).isEmpty(),
                    server::diagnostics);
            assertFalse(server.awaitReports(before, r -> r.get("type").asText().equals("blocking-call"), 1, 10).isEmpty(),
                    server::diagnostics);
            Thread.sleep(300); // the reporter thread has handed them to every sink
            String loaded = Files.readString(classes);
            assertTrue(loaded.contains(" dev.loopwatch.core.report.jfr.JfrSink "), "the JFR sink is in use");
            List<String> jfrInternal = loaded.lines().filter(l -> l.contains(" jdk.jfr.internal.")).collect(Collectors.toList());
            assertEquals(List.of(), jfrInternal, "JFR's internals loaded without a recording");

            run(JAVA_BIN.resolve("jcmd").toString(), Long.toString(server.pid()), "JFR.start", "name=lw");
            List<RecordedEvent> events = spinSleepAndRecord(server, dir);
            assertEvents(server, events);
            server.assertAgentHealthy();
        } finally {
            deleteAll(dir);
        }
    }

    /**
     * A runtime without the jdk.jfr module (as a jlink'd image; here {@code --limit-modules}): one line says JFR events
     * are off, and the other reports go on.
     */
    @Test
    void withoutTheJfrModuleTheJfrPartIsOffWithOneLine() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.1", "nio").agentArgs("threshold=50ms")
                .jvmArg("--limit-modules=java.se,jdk.unsupported").start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/spin?ms=200");
            server.get("/spin?ms=200");
            assertEquals(2, server.awaitReports(before, r -> r.get("type").asText().equals("stall-end"), 2, 10).size(),
                    server::diagnostics);
            Thread.sleep(300);
            List<String> said = server.stderr().lines().filter(l -> l.contains("JFR")).collect(Collectors.toList());
            assertEquals(List.of("loopwatch: no JFR events: this runtime has no jdk.jfr module; the other reports go on"),
                    said, server.stderr());
            server.assertAgentHealthy();
        }
    }

    /** A 300 ms spin and a 20 ms sleep on a loop, their reports awaited, then the recording named lw dumped and read. */
    private static List<RecordedEvent> spinSleepAndRecord(ForkedServer server, Path dir) throws Exception {
        int before = server.reports().size();
        server.get("/spin?ms=300");
        server.get("/sleep?ms=20");
        assertFalse(server.awaitReports(before, r -> r.get("type").asText().equals("stall-end"), 1, 10).isEmpty(),
                server::diagnostics);
        assertFalse(server.awaitReports(before, r -> r.get("type").asText().equals("blocking-call")
                && r.get("culprit").asText().startsWith(HANDLER + "sleep("), 1, 10).isEmpty(), server::diagnostics);
        // The reporter thread commits the events after it wrote the JSON lines; the periodic loop-lag event comes every
        // second once the types are registered (at the first report after JFR started).
        Thread.sleep(1500);
        Path file = dir.resolve("lw.jfr");
        run(JAVA_BIN.resolve("jcmd").toString(), Long.toString(server.pid()), "JFR.dump", "name=lw",
                "filename=" + file);
        List<RecordedEvent> events = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().startsWith("loopwatch.")) {
                events.add(e);
            }
        }
        return events;
    }

    private static void assertEvents(ForkedServer server, List<RecordedEvent> events) throws IOException {
        RecordedEvent stall = only(events, "loopwatch.Stall", e -> culprit(e).startsWith(HANDLER + "spin("));
        JsonNode json = server.reports().stream().filter(r -> r.get("type").asText().equals("stall")
                && r.get("id").asLong() == stall.getLong("stallId")).findFirst().orElseThrow();
        assertEquals(json.get("thread").asText(), stall.getString("loopThread"));
        assertEquals(json.get("culprit").asText(), stall.getString("culprit"));
        assertEquals("loop", stall.getString("threadKind"));
        assertTrue(stall.getString("stack").lines().anyMatch(l -> l.startsWith(HANDLER + "spin(")), stall.getString("stack"));
        assertTrue(stall.getString("stack").lines().count() > 3, stall.getString("stack"));
        assertTrue(stall.getDuration("elapsed").toMillis() >= 50, stall.toString());
        assertEquals(50, stall.getDuration("threshold").toMillis());
        assertEquals(List.of("loopwatch"), stall.getEventType().getCategoryNames());
        assertNull(stall.getStackTrace(), "JFR's own stack would be the reporter thread's");
        assertTrue(stall.getInstant("seenAt").toEpochMilli() > 0);

        RecordedEvent end = only(events, "loopwatch.StallEnd", e -> e.getLong("stallId") == stall.getLong("stallId"));
        // The total as the watchdog measured it: within a tick of the 300 ms.
        assertTrue(end.getDuration("elapsed").toMillis() >= 250, end.toString());
        assertEquals(stall.getString("loopThread"), end.getString("loopThread"));
        assertEquals(List.of("loopwatch"), end.getEventType().getCategoryNames());
        // Its time split as the JSON line's: mostly the spin's own, but a JVM that just started JFR stops its threads
        // at safepoints for a while (seen: 180 of the 300 ms), and the split says so.
        assertTrue(List.of("task", "safepoint").contains(end.getString("cause")), end.toString());
        assertTrue(end.getDuration("taskTime").plus(end.getDuration("safepointTime")).plus(end.getDuration("gcTime"))
                .plus(end.getDuration("classLoadingTime")).toMillis() >= 250, "the parts add up: " + end);
        assertTrue(end.getDuration("taskTime").toMillis() >= 50, end.toString());

        List<RecordedEvent> lag = events.stream().filter(e -> e.getEventType().getName().equals("loopwatch.LoopLag"))
                .filter(e -> e.getString("loopThread").equals(stall.getString("loopThread"))).collect(Collectors.toList());
        assertFalse(lag.isEmpty(), "a loopwatch.LoopLag event a second for the loop: " + events);
        // A probe is queued within a lag interval (100 ms) of the spin's start, and waits for the rest of it.
        assertTrue(lag.get(lag.size() - 1).getDuration("max").toMillis() >= 100,
                "the probe queued behind the 300 ms spin waited for it: " + lag);

        RecordedEvent call = only(events, "loopwatch.BlockingCall",
                e -> culprit(e).startsWith(HANDLER + "sleep("));
        assertEquals("java.lang.Thread.sleep", call.getString("call"));
        assertTrue(call.getDuration("elapsed").toMillis() >= 20, call.toString());
        assertTrue(call.getString("stack").contains(HANDLER + "sleep("), call.getString("stack"));
        assertEquals(List.of("loopwatch"), call.getEventType().getCategoryNames());
        assertNull(call.getStackTrace());
    }

    /** The culprit, "" when there was none (a stall of class loading on a first request has no application frame). */
    private static String culprit(RecordedEvent e) {
        String culprit = e.getString("culprit");
        return culprit == null ? "" : culprit;
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name,
                                      java.util.function.Predicate<RecordedEvent> match) {
        List<RecordedEvent> found = events.stream().filter(e -> e.getEventType().getName().equals(name))
                .filter(match).collect(Collectors.toList());
        assertEquals(1, found.size(), name + " events among " + events);
        return found.get(0);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + List.of(command));
        assertEquals(0, p.exitValue(), List.of(command) + ":\n" + out);
        return out;
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(f);
            }
        }
    }
}
