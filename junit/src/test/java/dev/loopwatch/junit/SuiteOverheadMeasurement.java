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
    private static final int ROUNDS = 7;

    @Test
    void measure() {
        run(FastSuites.Plain.class);   // warm-up of both, not counted
        run(FastSuites.Watched.class);
        List<Long> plain = new ArrayList<>();
        List<Long> watched = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            plain.add(run(FastSuites.Plain.class));
            watched.add(run(FastSuites.Watched.class));
        }
        long p = median(plain);
        long w = median(watched);
        System.out.printf("suite of 200 fast Netty tests, %d interleaved rounds, JDK %s%n", ROUNDS,
                Runtime.version());
        System.out.printf("  without @LoopWatch: median %d ms %s%n", p / 1_000_000, millis(plain));
        System.out.printf("  with    @LoopWatch: median %d ms %s%n", w / 1_000_000, millis(watched));
        System.out.printf("  ratio with/without: %.3f%n", (double) w / p);
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
