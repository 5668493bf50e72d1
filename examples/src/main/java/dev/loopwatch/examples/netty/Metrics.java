package dev.loopwatch.examples.netty;

import java.util.function.Supplier;

/**
 * The demo's Micrometer, set up as a service would: a Prometheus registry added to the global one. loopwatch finds
 * Micrometer on the class path and registers its meters in the global registry; {@code GET /metrics} shows them as
 * Prometheus scrapes them (only loopwatch's, to keep the demo short). Without Micrometer on the class path the demo
 * runs all the same: nothing here links to it until it is known to be there ({@link PrometheusScrape}).
 */
final class Metrics {
    private static volatile Supplier<String> scrape;

    private Metrics() {
    }

    static void installIfPresent() {
        try {
            Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false, Metrics.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return;
        }
        scrape = PrometheusScrape.install();
    }

    /** The Prometheus text of loopwatch's meters (help and type lines left out). */
    static String scrapeLoopwatch() {
        Supplier<String> s = scrape;
        if (s == null) {
            return "no Micrometer on the class path\n";
        }
        StringBuilder b = new StringBuilder();
        for (String line : s.get().split("\n")) {
            if (line.startsWith("loopwatch_")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
