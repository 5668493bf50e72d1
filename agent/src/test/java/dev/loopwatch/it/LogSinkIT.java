package dev.loopwatch.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reports go to the application's SLF4J when it has a provider, else to stderr without SLF4J noise. */
class LogSinkIT {

    @Test
    void withSlf4jAndAProviderReportsGoThroughSlf4j() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms")
                .withLibs("slf4j").start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/spin?ms=120");
            assertEquals(2, server.awaitReports(before, r -> r.get("culprit").asText().contains(".spin("), 2, 5).size());
            Thread.sleep(200);
            assertEquals("slf4j", server.status().get("log").asText());
            // slf4j-simple's format: "[thread] LEVEL logger - message"
            assertTrue(server.stderr().contains("[loopwatch-reporter] WARN loopwatch - loop "), server.stderr());
            assertTrue(server.stderr().contains("[loopwatch-reporter] INFO loopwatch - loop "), server.stderr());
        }
    }

    @Test
    void withSlf4jApiButNoProviderReportsGoToStderrWithoutSlf4jNotice() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms")
                .withLibs("slf4j-api-only").start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/spin?ms=120");
            assertEquals(2, server.awaitReports(before, r -> r.get("culprit").asText().contains(".spin("), 2, 5).size());
            Thread.sleep(200);
            assertEquals("stderr", server.status().get("log").asText());
            assertTrue(server.stderr().contains(" WARN loopwatch - loop "), server.stderr());
            assertFalse(server.stderr().contains("SLF4J"), server.stderr());
        }
    }

    @Test
    void logOffWritesOnlyTheReportFile() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms,log=off").start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/spin?ms=120");
            assertEquals(2, server.awaitReports(before, r -> r.get("culprit").asText().contains(".spin("), 2, 5).size());
            Thread.sleep(100);
            assertEquals("", server.stderr(), "log=off: no report on stderr");
        }
    }
}
