package dev.loopwatch.examples.netty;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The demo's Micrometer, set up as a service would: a Prometheus registry added to the global one. loopwatch finds
 * Micrometer on the class path and registers its meters in the global registry; {@code GET /metrics} shows them as
 * Prometheus scrapes them (only loopwatch's, to keep the demo short).
 */
final class Metrics {
    private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Metrics() {
    }

    static void install() {
        io.micrometer.core.instrument.Metrics.addRegistry(PROMETHEUS);
    }

    /** The Prometheus text of loopwatch's meters (help and type lines left out). */
    static String scrapeLoopwatch() {
        StringBuilder b = new StringBuilder();
        for (String line : PROMETHEUS.scrape().split("\n")) {
            if (line.startsWith("loopwatch_")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
