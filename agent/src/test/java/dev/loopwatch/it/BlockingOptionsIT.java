package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blocking=off} and the allow-list's start-up check. */
class BlockingOptionsIT {

    @Test
    void blockingOffInstrumentsNoJdkClassAndReportsNothing() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=10s,log=off,blocking=off").start()) {
            server.warmUp();
            int before = server.reports().size();
            server.get("/block?kind=sleep&ms=3");
            server.get("/block?kind=park&ms=3");
            Thread.sleep(300);
            List<JsonNode> all = server.reports();
            assertEquals(List.of(), all.subList(before, all.size()));
            JsonNode status = server.status();
            assertTrue(status.get("instrumentations").path("jdk-blocking").isMissingNode(), status.toString());
            assertEquals("", server.stderr());
        }
    }

    @Test
    void allowEntriesThatDoNotExistAreNamedInOneWarningEach() throws Exception {
        String blocker = Blocker.class.getName();
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio")
                .agentArgs("log=off,allow=com.acme.Missing#load," + blocker + "#noSuchMethod," + blocker + "$Allowed#run").start()) {
            Thread.sleep(300);
            String[] lines = server.stderr().split("\n");
            assertEquals(2, lines.length, server.stderr());
            assertEquals("loopwatch: allow entry 'com.acme.Missing#load': no class com.acme.Missing on the class path;"
                    + " it allows nothing", lines[0]);
            assertEquals("loopwatch: allow entry '" + blocker + "#noSuchMethod': class " + blocker
                    + " has no method noSuchMethod; it allows nothing", lines[1]);
        }
    }

    @Test
    void badBlockingValueIsOneLine() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("blocking=maybe").start()) {
            assertEquals("ok", server.get("/fast"));
            assertEquals("loopwatch: bad value 'maybe' for option blocking (agent argument): expected report or off;"
                    + " loopwatch is off\n", server.stderr());
        }
    }
}
