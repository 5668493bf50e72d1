package dev.loopwatch.junit;

import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.junit.fixtures.SpinFixtures;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Run by its own Surefire execution, without {@code -javaagent}: the extension must load the agent into
 * the test JVM itself, and then work as usual.
 */
class SelfAttachTest {

    @Test
    void extensionLoadsTheAgentWhenItIsNotOnTheCommandLine() {
        assertNull(LoopWatch.current(), "this JVM must start without the agent");
        Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(SpinFixtures.ClassLevel.class))
                .execute().testEvents();
        assertTrue(AgentLoader.selfAttached());
        assertEquals(1, events.failed().count(), "the spinning test fails: " + events.list());
        assertEquals(1, events.succeeded().count(), "the fast test passes: " + events.failed().list());
        assertEquals(0, LoopWatch.current().status().errors());
    }
}
