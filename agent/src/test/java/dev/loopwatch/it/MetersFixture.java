package dev.loopwatch.it;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The fixture's Micrometer, as an application would set it up: a registry added to the global one. Touched only with
 * Micrometer on the class path ({@code -Dfixture.meters=true}, it-libs/micrometer).
 */
final class MetersFixture {
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    private MetersFixture() {
    }

    static void install() {
        Metrics.addRegistry(REGISTRY);
    }

    /** Every loopwatch meter, one per line: {@code name{tag=value,...} statistic=value ...}. */
    static String dump() {
        StringBuilder b = new StringBuilder();
        for (Meter meter : REGISTRY.getMeters()) {
            if (!meter.getId().getName().startsWith("loopwatch.")) {
                continue;
            }
            b.append(meter.getId().getName()).append('{');
            String sep = "";
            for (Tag tag : meter.getId().getTags()) {
                b.append(sep).append(tag.getKey()).append('=').append(tag.getValue());
                sep = ",";
            }
            b.append('}');
            for (Measurement m : meter.measure()) {
                b.append(' ').append(m.getStatistic().getTagValueRepresentation()).append('=').append(m.getValue());
            }
            b.append('\n');
        }
        return b.toString();
    }
}
