package dev.loopwatch.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent makes the JVM print nothing at start, on the JDK the tests run on (17 and 25 in CI). Two
 * known traps: appending to the bootstrap class path (JDK 17 prints a class-data-sharing notice) and
 * ByteBuddy's {@code sun.misc.Unsafe} probing (JDK 24+ prints a deprecation warning). The CDS notice is
 * a warning-level log line, so {@code -Xlog:cds=warning} is on to make sure it would show.
 *
 * <p>The library itself may print something (Netty 4.1 calls {@code sun.misc.Unsafe} too, and JDK 25 warns
 * about it): so the same service is started without the agent, and the agent must add no line to that.
 */
class CleanStartIT {

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2"})
    void agentAddsNothingToStderrAtStart(String line) throws Exception {
        List<String> without;
        try (ForkedServer server = ForkedServer.on(line, "nio").withoutAgent().jvmArg("-Xlog:cds=warning").start()) {
            Thread.sleep(300);
            without = server.stderr().lines().toList();
        }
        // log=off: a cold start's own stalls (class initialisers on a loop, over 100 ms on a busy machine) are reports,
        // not the agent's noise; they go to the report file only.
        try (ForkedServer server = ForkedServer.on(line, "nio").agentArgs("log=off").jvmArg("-Xlog:cds=warning").start()) {
            Thread.sleep(300);
            List<String> with = server.stderr().lines().toList();
            assertEquals(without, with, "stderr at start with the agent vs without it");
            assertTrue(server.status().get("instrumented").asBoolean());
        }
    }
}
