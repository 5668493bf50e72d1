package dev.loopwatch.junit;

import dev.loopwatch.core.config.Durations;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One test's settings: the method's {@link LoopWatch} wins over the class's, which wins over the JUnit
 * Platform configuration parameters ({@code loopwatch.threshold}, {@code loopwatch.blockingCalls},
 * {@code loopwatch.allow}, {@code loopwatch.enabled}) that switch loopwatch on for a whole suite.
 */
record Settings(boolean enabled, long thresholdNanos, boolean blockingCalls, List<String> allow) {
    static final String ENABLED = "loopwatch.enabled";
    static final String THRESHOLD = "loopwatch.threshold";
    static final String BLOCKING_CALLS = "loopwatch.blockingCalls";
    static final String ALLOW = "loopwatch.allow";

    static Settings of(ExtensionContext context) {
        Optional<LoopWatch> annotation = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, LoopWatch.class))
                .or(() -> context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, LoopWatch.class)));
        if (annotation.isPresent()) {
            LoopWatch a = annotation.get();
            return new Settings(true, threshold(a.threshold(), "@LoopWatch(threshold)"), a.blockingCalls(),
                    List.of(a.allow()));
        }
        boolean enabled = flag(context, ENABLED, true);
        String threshold = context.getConfigurationParameter(THRESHOLD).orElse("100ms");
        List<String> allow = context.getConfigurationParameter(ALLOW)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new Settings(enabled, threshold(threshold, THRESHOLD), flag(context, BLOCKING_CALLS, true), allow);
    }

    private static long threshold(String text, String where) {
        try {
            return Durations.parseNanos(text);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("loopwatch: bad value '" + text + "' for " + where + ": "
                    + e.getMessage());
        }
    }

    private static boolean flag(ExtensionContext context, String key, boolean fallback) {
        Optional<String> value = context.getConfigurationParameter(key);
        if (value.isEmpty()) {
            return fallback;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true": case "on": return true;
            case "false": case "off": return false;
            default: throw new ExtensionConfigurationException("loopwatch: bad value '" + value.get() + "' for "
                    + key + ": expected true or false");
        }
    }
}
