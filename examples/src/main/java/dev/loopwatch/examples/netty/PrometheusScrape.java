package dev.loopwatch.examples.netty;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.function.Supplier;

/** The part of {@link Metrics} that links to Micrometer: loaded only when it is on the class path. */
final class PrometheusScrape {
    private PrometheusScrape() {
    }

    /** Adds a Prometheus registry to Micrometer's global one; returns its scrape. */
    static Supplier<String> install() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        return registry::scrape;
    }
}
