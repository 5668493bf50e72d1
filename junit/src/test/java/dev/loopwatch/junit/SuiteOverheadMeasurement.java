package dev.loopwatch.junit;

import dev.loopwatch.junit.fixtures.FastSuites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Measures (it asserts nothing about time) what the extension costs a suite: 200 fast Netty tests with
 * and without {@code @LoopWatch}, interleaved runs in one JVM under the agent, medians and their ratio.
 * Run: {@code mvn -pl junit -am verify -Dtest=SuiteOverheadMeasurement -Dmeasure.suite=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. (Not a {@code loopwatch.*} property: the agent reads those as its
 * options and refuses unknown ones; the self-attach execution, which loads it after Surefire set the
 * properties, then ran with the agent off.)
 */
@EnabledIfSystemProperty(named = "measure.suite", matches = "true")
@DisabledIfSystemProperty(named = "refused.options.execution", matches = "true") // -Dtest reaches every execution
class SuiteOverheadMeasurement {
    private static final int ROUNDS = 61;
    /**
     * Rounds run first and not counted. With 1 (before 2026-11-26) the counted rounds were still getting
     * faster from first to last (510 to 270 ms), and the ratio spread ±10 % between runs.
     */
    private static final int WARM_UP_ROUNDS = 10;

    @Test
    void measure() {
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            run(FastSuites.Plain.class);
            run(FastSuites.Watched.class);
        }
        List<Long> plain = new ArrayList<>();
        List<Long> watched = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            // The order alternates, so that a trend left over from the warm-up favours neither.
            long w;
            long p;
            if (i % 2 == 0) {
                p = run(FastSuites.Plain.class);
                w = run(FastSuites.Watched.class);
            } else {
                w = run(FastSuites.Watched.class);
                p = run(FastSuites.Plain.class);
            }
            plain.add(p);
            watched.add(w);
            ratios.add((double) w / p);
        }
        long p = median(plain);
        long w = median(watched);
        Collections.sort(ratios);
        System.out.printf("suite of 200 fast Netty tests, %d warm-up and %d counted interleaved rounds, JDK %s%n",
                WARM_UP_ROUNDS, ROUNDS, Runtime.version());
        System.out.printf("  without @LoopWatch: median %d ms %s%n", p / 1_000_000, millis(plain));
        System.out.printf("  with    @LoopWatch: median %d ms %s%n", w / 1_000_000, millis(watched));
        System.out.printf("  ratio of the medians: %.3f; median of the per-round ratios: %.3f (%.3f-%.3f)%n",
                (double) w / p, ratios.get(ROUNDS / 2), ratios.get(0), ratios.get(ROUNDS - 1));
    }

    private static long run(Class<?> suite) {
        long start = System.nanoTime();
        long failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute().testEvents()
                .failed().count();
        long took = System.nanoTime() - start;
        if (failed != 0) {
            throw new IllegalStateException(suite.getSimpleName() + ": " + failed + " tests failed");
        }
        return took;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static List<Long> millis(List<Long> nanos) {
        return nanos.stream().map(n -> n / 1_000_000).toList();
    }
}
