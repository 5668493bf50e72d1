package dev.loopwatch.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent makes the JVM print nothing at start, on the JDK the tests run on (17 and 25 in CI). Two
 * known traps: appending to the bootstrap class path (JDK 17 prints a class-data-sharing notice) and
 * ByteBuddy's {@code sun.misc.Unsafe} probing (JDK 24+ prints a deprecation warning). The CDS notice is
 * a warning-level log line, so {@code -Xlog:cds=warning} is on to make sure it would show.
 */
class CleanStartIT {

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2"})
    void stderrStaysEmptyAtStart(String line) throws Exception {
        try (ForkedServer server = ForkedServer.on(line, "nio").jvmArg("-Xlog:cds=warning").start()) {
            Thread.sleep(300);
            assertEquals("", server.stderr(), "stderr at start");
            assertTrue(server.status().get("instrumented").asBoolean());
        }
    }
}
