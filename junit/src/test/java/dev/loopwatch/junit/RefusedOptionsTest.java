package dev.loopwatch.junit;

import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.junit.fixtures.SpinFixtures;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Run by its own Surefire execution, without {@code -javaagent} and with {@code -Dloopwatch.threshold=banana}:
 * the agent the extension loads refuses that option and stays off. Every watched test class must then fail
 * with the agent's reason (never pass unwatched), and must not load the agent again or wait for it.
 */
class RefusedOptionsTest {

    @Test
    void watchedTestsFailWithTheAgentsReasonWhenItRefusesItsOptions() {
        assertNull(LoopWatch.current(), "this JVM must start without the agent");
        for (int round = 0; round < 2; round++) { // the second run must fail the same way, without a new attach
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(SpinFixtures.ClassLevel.class)).execute();
            List<String> failures = results.allEvents().failed().stream()
                    .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                            .map(Throwable::getMessage).orElse("no exception"))
                    .toList();
            assertFalse(failures.isEmpty(), "round " + round + ": something must fail");
            for (String message : failures) {
                assertTrue(message.contains("the agent is loaded but off") && message.contains("banana"), message);
            }
            assertEquals(0, results.testEvents().succeeded().count(), "no test passes unwatched");
        }
        assertNull(LoopWatch.current());
        assertNotNull(LoopWatch.refusal());
    }
}
