package dev.loopwatch.junit;

import dev.loopwatch.core.LoopWatch;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails the test during which an event-loop task stalled. Each test is a time window: what the agent
 * reports about tasks that began inside it is that test's, even on loops shared by the whole class (a
 * server started in {@code @BeforeAll}). At the end of each test the extension waits for the watchdog's
 * next two ticks, so a stall that began in the test is reported before the verdict, and never falls on
 * the next test.
 *
 * <p>Registered by {@link LoopWatch}, or for a whole suite through JUnit's extension auto-detection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true}); public for the service loader.
 */
public final class LoopWatchExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LoopWatchExtension.class);
    private static final ReportCollector COLLECTOR = new ReportCollector();
    private static final AtomicBoolean COLLECTING = new AtomicBoolean();
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);
    private static final int GRACE_STEPS = 10;
    private static final long GRACE_STEP_MILLIS = 5;

    /** What {@link #afterEach} needs of {@link #beforeEach}. */
    private record Window(Instant start, Settings settings, long unobservedBefore) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        engine();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Settings settings = Settings.of(context);
        if (!settings.enabled()) {
            return;
        }
        LoopWatch engine = engine();
        engine.thresholdNanos(settings.thresholdNanos());
        context.getStore(NAMESPACE).put(Window.class, new Window(Instant.now(), settings, engine.unobserved()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Window window = context.getStore(NAMESPACE).remove(Window.class, Window.class);
        if (window == null) {
            return;
        }
        LoopWatch engine = engine();
        engine.flush(FLUSH_TIMEOUT.plusNanos(2 * window.settings().thresholdNanos()));
        List<Violation> violations = violations(engine, window);
        // A stalled task often finishes a moment after the test got its answer (the I/O dispatch goes on
        // after the response is written): give it a short grace so the failure can state its total.
        for (int i = 0; i < GRACE_STEPS && violations.stream().anyMatch(v -> v.totalNanos() < 0); i++) {
            sleep(GRACE_STEP_MILLIS);
            engine.flush(FLUSH_TIMEOUT);
            violations = violations(engine, window);
        }
        if (!violations.isEmpty()) {
            throw failure(violations);
        }
        warnIfUnobserved(context, window, engine);
    }

    /**
     * A test passes only for what the watchdog saw: if its ticks came late during the test (a starved CI
     * machine), a task may have run past the threshold unseen. Not a failure (it may not have), but said, so
     * that a green run on such a machine is not read as proof.
     */
    private static void warnIfUnobserved(ExtensionContext context, Window window, LoopWatch engine) {
        long unobserved = engine.unobserved() - window.unobservedBefore();
        if (unobserved > 0) {
            System.err.println("loopwatch: during " + context.getDisplayName() + ", " + unobserved
                    + (unobserved == 1 ? " task" : " tasks") + " may have run past the threshold unseen: the watchdog got"
                    + " no CPU in time (an overloaded machine); this test's pass does not cover them");
        }
    }

    private static List<Violation> violations(LoopWatch engine, Window window) {
        return Violation.of(COLLECTOR.since(window.start()), window.start(), engine.config().tickNanos(),
                window.settings());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LoopWatch engine() {
        LoopWatch engine = AgentLoader.ensureLoaded();
        if (COLLECTING.compareAndSet(false, true)) {
            engine.addSink(COLLECTOR);
        }
        return engine;
    }

    private static AssertionFailedError failure(List<Violation> violations) {
        StringBuilder message = new StringBuilder("loopwatch: ").append(violations.size())
                .append(violations.size() == 1 ? " event-loop violation" : " event-loop violations")
                .append(" during this test:");
        for (int i = 0; i < violations.size(); i++) {
            message.append('\n').append(violations.get(i).describe(i + 1));
        }
        AssertionFailedError error = new AssertionFailedError(message.toString());
        for (Violation v : violations) {
            error.addSuppressed(v.stackTrace());
        }
        return error;
    }
}
