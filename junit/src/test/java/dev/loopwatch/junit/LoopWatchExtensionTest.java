package dev.loopwatch.junit;

import dev.loopwatch.junit.fixtures.FrameworkFixtures;
import dev.loopwatch.junit.fixtures.SpinFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs the fixtures through the JUnit Platform and checks which tests failed, and why. */
class LoopWatchExtensionTest {

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
    }

    private static Throwable failureOf(Events events, String method) {
        List<Event> failed = events.failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "(")).toList();
        assertEquals(1, failed.size(), method + " should fail; events: " + events.list());
        return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
    }

    private static void assertPassed(Events events, String method) {
        assertEquals(1, events.succeeded().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "(")).count(),
                method + " should pass; failures: " + events.failed().list());
    }

    /**
     * Surefire runs this class with {@code -Dloopwatch.version=<the build's version>}, as a build that pins the
     * version as a property does: loopwatch must stay on (every watched test below would error otherwise).
     */
    @Test
    void aBuildsLoopwatchVersionPropertyLeavesLoopwatchOn() {
        assertTrue(System.getProperty("loopwatch.version") != null, "the pom must pass loopwatch.version on");
        assertNull(dev.loopwatch.core.LoopWatch.refusal(), "loopwatch must not refuse its options");
        assertNotNull(dev.loopwatch.core.LoopWatch.current(), "loopwatch must be running");
    }

    @Test
    void spinningHandlerFailsItsTestWithTheCulpritAndFastOnePasses() {
        Events events = run(SpinFixtures.ClassLevel.class);
        Throwable failure = failureOf(events, "spins");
        assertInstanceOf(AssertionFailedError.class, failure);
        String message = failure.getMessage();
        assertTrue(message.startsWith("loopwatch: 1 event-loop violation during this test:"), message);
        assertTrue(message.contains("stall: "), message);
        assertTrue(message.contains("(threshold 50 ms)"), message);
        assertTrue(message.contains("task:    I/O dev.loopwatch.junit.fixtures.TestServer$Handler.channelRead0"), message);
        assertTrue(message.contains("culprit: dev.loopwatch.junit.fixtures.TestServer$Handler.spin(TestServer.java:"),
                message);
        assertEquals(1, failure.getSuppressed().length, "the sampled stack is attached");
        assertEquals("spin", failure.getSuppressed()[0].getStackTrace()[0].getMethodName());
        assertPassed(events, "fast");
    }

    /** Vert.x 5 web with vertx-junit5's VertxExtension, and Reactor Netty's HTTP server (what WebFlux runs on). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {FrameworkFixtures.OnVertx.class, FrameworkFixtures.OnReactorNetty.class})
    void frameworkTestFailsOnlyTheSpinningTest(Class<?> fixture) {
        String loopThread = fixture == FrameworkFixtures.OnVertx.class ? "vert.x-eventloop-thread-" : "reactor-http-";
        Events events = run(fixture);
        String message = failureOf(events, "spins").getMessage();
        assertTrue(message.contains("culprit: dev.loopwatch.junit.fixtures.FrameworkFixtures.spin("), message);
        assertTrue(message.contains(loopThread), message);
        assertPassed(events, "fast");
    }

    @Test
    void twoMillisecondSleepOnTheLoopFailsUnlessBlockingCallsAreOffOrAllowed() {
        Events events = run(SpinFixtures.Blocking.class);
        String message = failureOf(events, "sleepsTwoMillis").getMessage();
        assertTrue(message.contains("blocking call: java.lang.Thread.sleep took "), message);
        assertTrue(message.contains("culprit: dev.loopwatch.junit.fixtures.TestServer$Handler.channelRead0("), message);
        assertPassed(events, "sleepsTwoMillisWithBlockingCallsOff");
        assertPassed(events, "sleepsTwoMillisInAnAllowedMethod");
    }

    @Test
    void wholeSuiteIsWatchedThroughAutoDetectionAndConfigurationParameters() {
        Events plain = run(SpinFixtures.Unannotated.class);
        assertPassed(plain, "spins"); // not switched on: nothing watches it
        Events suite = EngineTestKit.engine("junit-jupiter").selectors(selectClass(SpinFixtures.Unannotated.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("loopwatch.threshold", "50ms")
                .execute().testEvents();
        assertTrue(failureOf(suite, "spins").getMessage().contains("(threshold 50 ms)"));
        Events off = EngineTestKit.engine("junit-jupiter").selectors(selectClass(SpinFixtures.Unannotated.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("loopwatch.enabled", "false")
                .execute().testEvents();
        assertPassed(off, "spins");
    }

    @Test
    void methodAnnotationOverridesTheClassOne() {
        Events events = run(SpinFixtures.MethodOverridesClass.class);
        assertPassed(events, "lenientByClass");
        assertTrue(failureOf(events, "strictByMethod").getMessage().contains("(threshold 50 ms)"));
    }

    @Test
    void violationOfTestAFailsANeverB() {
        Events events = run(SpinFixtures.Attribution.class);
        assertTrue(failureOf(events, "a").getMessage().contains("TestServer$Handler.spin("));
        assertPassed(events, "b");
    }
}
