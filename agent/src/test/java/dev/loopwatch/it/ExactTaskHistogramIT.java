package dev.loopwatch.it;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code task.histogram=exact}: a real Netty server's loops time every task they run, and the application's Micrometer
 * gets the distribution per loop group; by default it gets only the sampled gauges.
 */
class ExactTaskHistogramIT {
    /** The fixture's worker group (its boss group is nioEventLoopGroup-2). */
    private static final String WORKERS = "nioEventLoopGroup-3";
    private static final int SPINS = 100;
    private static final int FAST = 300;
    /** Each spin request's task runs at least 5 ms: longer than the 4.096 ms bound (2^12 us). */
    private static final String LONGER_THAN_SPINS = "0.004096";

    @Test
    void everyTaskOfTheWorkerGroupIsInTheHistogram() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withMeters()
                .agentArgs("task.histogram=exact").start()) {
            server.warmUp();
            String before = server.meters(m -> value(m, histogram("+Inf")) > 0);
            double tasksBefore = value(before, histogram("+Inf"));
            double longBefore = tasksBefore - value(before, histogram(LONGER_THAN_SPINS));
            double sumBefore = value(before, "loopwatch.task.duration.sum{group=" + WORKERS + "} count");

            long started = System.nanoTime();
            for (int i = 0; i < SPINS; i++) {
                server.get("/spin?ms=5");
            }
            for (int i = 0; i < FAST; i++) {
                server.get("/fast");
            }
            String after = server.meters(m -> value(m, histogram("+Inf")) - tasksBefore >= SPINS + FAST);
            double wall = (System.nanoTime() - started) / 1e9;

            double tasks = value(after, histogram("+Inf")) - tasksBefore;
            double longTasks = value(after, histogram("+Inf")) - value(after, histogram(LONGER_THAN_SPINS)) - longBefore;
            double seconds = value(after, "loopwatch.task.duration.sum{group=" + WORKERS + "} count") - sumBefore;
            assertTrue(tasks >= SPINS + FAST, "a task at least per request: " + tasks + "\n" + after);
            assertTrue(longTasks >= SPINS, "each 5 ms spin over 4.096 ms: " + longTasks + "\n" + after);
            assertTrue(tasks - longTasks >= FAST / 2, "most /fast tasks under 4.096 ms (a loaded machine preempts"
                    + " some): " + (tasks - longTasks) + "\n" + after);
            assertTrue(seconds >= SPINS * 0.005 && seconds <= 2 * wall, "the spins' 0.5 s at least, and no more than"
                    + " the two worker loops' wall time (" + wall + " s each): " + seconds + "\n" + after);
            for (int k = 1; k <= 24; k++) {
                String le = java.math.BigDecimal.valueOf((1L << k) * 1_000, 9).stripTrailingZeros().toPlainString();
                String lower = k == 1 ? null
                        : java.math.BigDecimal.valueOf((1L << (k - 1)) * 1_000, 9).stripTrailingZeros().toPlainString();
                assertTrue(lower == null || value(after, histogram(lower)) <= value(after, histogram(le)),
                        "cumulative counts grow with le: " + lower + " vs " + le + "\n" + after);
            }
            assertTrue(value(after, "loopwatch.task.duration{group=" + WORKERS + ",statistic=max} value") >= 0.005, after);
            assertTrue(value(after, "loopwatch.task.duration{group=" + WORKERS + ",statistic=p50} value") < 0.004,
                    "most tasks are short (every one is timed, not only those past a tick): " + after);
            server.assertAgentHealthy();
        }
    }

    @Test
    void theDefaultPublishesOnlyTheSampledGauges() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withMeters()
                .agentArgs("threshold=50ms").start()) {
            server.warmUp();
            server.get("/spin?ms=80");
            String meters = server.meters(m -> m.contains("loopwatch.task.duration{group=" + WORKERS + ",statistic=max}"));
            assertFalse(meters.contains("loopwatch.task.duration.histogram"), meters);
            assertFalse(meters.contains("loopwatch.task.duration.sum"), meters);
            assertTrue(value(meters, "loopwatch.task.duration{group=" + WORKERS + ",statistic=max} value") >= 0.05,
                    "the 80 ms spin is timed by the watchdog: " + meters);
            assertEquals(0, server.status().get("errors").asLong());
        }
    }

    private static String histogram(String le) {
        return "loopwatch.task.duration.histogram{group=" + WORKERS + ",le=" + le + "} count";
    }

    /** The number after {@code meterAndStatistic=} in a {@link MetersFixture#dump()}, or -1 when absent. */
    private static double value(String meters, String meterAndStatistic) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(meterAndStatistic) + "=([-0-9.E]+|NaN)").matcher(meters);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
