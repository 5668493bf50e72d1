package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stall's time is split into the task's own work and the JVM's: a GC pause during a short task is labelled as the
 * GC's, not blamed on the task; a first request that stalls in a static initialiser says it was class loading; the
 * stall-end report breaks the time down by what the sampled stacks showed.
 */
class StallCauseIT {

    @Test
    void aGcPauseDuringAShortTaskIsTheGcsNotTheTasks() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms").jvmArg("-Xmx1g")
                .start()) {
            server.warmUp(); // the first requests of a fresh JVM stall in class loading: not this test's
            server.get("/jvm/live-set");
            Thread.sleep(300);
            int skip = server.reports().size();
            long wallMs = Long.parseLong(server.get("/jvm/gc?ms=10"));
            assertTrue(wallMs >= 60, "the GC pauses must make the 10 ms task stall (it took " + wallMs + " ms on"
                    + " the clock); the test cannot tell otherwise" + server.diagnostics());
            List<JsonNode> ends = server.awaitReports(skip, r -> r.get("type").asText().equals("stall-end"), 1, 10);
            assertFalse(ends.isEmpty(), "a stall and its end are reported" + server.diagnostics());
            JsonNode end = ends.get(0);
            // The GC's pauses are the GC's: split off the task's time and named. (Which part is larger depends on the
            // machine: a loop thread that waits for a CPU while GC threads run counts as the task's.)
            JsonNode ms = end.get("causeMs");
            assertTrue(ms.get("gc").asDouble() >= 40, "the GC's pauses are split off: " + end);
            assertTrue(end.get("profile").toString().contains("garbage collection"), end.toString());
            assertTrue(server.stderr().contains("garbage-collection pauses"), server.stderr());
            if (ms.get("gc").asDouble() > ms.get("task").asDouble()) {
                assertEquals("gc", end.get("cause").asText(), end.toString());
            }
            server.assertAgentHealthy();
        }
    }

    @Test
    void aFirstRequestStalledInAStaticInitialiserIsClassLoading() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms").start()) {
            assertEquals("initialised in 150 ms", server.get("/jvm/clinit"));
            List<JsonNode> ends = server.awaitReports(0, r -> r.get("type").asText().equals("stall-end")
                    && r.get("profile").toString().contains("JvmWork$SlowInit"), 1, 10);
            assertFalse(ends.isEmpty(), "a stall and its end are reported" + server.diagnostics());
            JsonNode end = ends.get(0);
            assertEquals("class-loading", end.get("cause").asText(), end.toString());
            assertTrue(end.get("causeMs").get("classLoading").asDouble() >= 100, end.toString());
            boolean named = false;
            for (JsonNode entry : end.get("profile")) {
                named |= entry.get("what").asText().equals("initialising dev.loopwatch.it.JvmWork$SlowInit")
                        && entry.get("ms").asDouble() >= 100;
            }
            assertTrue(named, "the initialiser is in the profile with its time: " + end);
            assertTrue(server.stderr().contains("mostly class loading and initialisation"), server.stderr());
            server.assertAgentHealthy();
        }
    }

    /** A stall that moves from one place to another is profiled: both places, each with its time. */
    @Test
    void aStallThatMovesIsProfiledInBothPlaces() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms").start()) {
            server.warmUp();
            int skip = server.reports().size();
            server.get("/jvm/two-places?ms=300");
            List<JsonNode> ends = server.awaitReports(skip, r -> r.get("type").asText().equals("stall-end"), 1, 10);
            assertFalse(ends.isEmpty(), "a stall and its end are reported" + server.diagnostics());
            JsonNode end = ends.get(0);
            assertEquals("task", end.get("cause").asText(), end.toString());
            String profile = end.get("profile").toString();
            assertTrue(profile.contains("dev.loopwatch.it.JvmWork.firstHalf(JvmWork.java:"), profile);
            assertTrue(profile.contains("dev.loopwatch.it.JvmWork.secondHalf(JvmWork.java:"), profile);
            for (JsonNode entry : end.get("profile")) {
                if (entry.get("what").asText().contains("Half(")) {
                    assertTrue(entry.get("ms").asDouble() >= 75, "each half about 150 ms: " + profile);
                }
            }
            assertTrue(server.stderr().contains("JvmWork.secondHalf"), server.stderr());
        }
    }
}
