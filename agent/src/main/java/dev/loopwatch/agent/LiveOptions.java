package dev.loopwatch.agent;

import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.Durations;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.config.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A second {@code attach} to a JVM where loopwatch already runs: the options it names are applied where the running
 * engine can change them, and the others are named, in one line, instead of installing loopwatch twice. Only the
 * options written in the new agent arguments count: one left out keeps its value (it is not reset to its default).
 *
 * <p>Live: {@code threshold} (the watchdog reads it at every tick; its tick stays as it was). Everything else is
 * fixed when loopwatch starts: the tick paces the watchdog thread, the sinks are opened once, and the other options
 * decide which classes were woven, and how.
 */
final class LiveOptions {
    private LiveOptions() {
    }

    /** Applies {@code args} to the running engine and says what changed and what could not, in one line. */
    static String apply(String args, LoopWatch engine) {
        LoopWatchConfig wanted;
        try {
            // No warnings: the service's properties and environment were said about when loopwatch started.
            wanted = ConfigParser.parse(args, System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            return e.getMessage().replace("loopwatch is off", "nothing changed");
        }
        LoopWatchConfig running = engine.config();
        List<String> changed = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (Option option : given(args)) {
            if (option == Option.THRESHOLD) {
                long before = engine.thresholdNanos();
                if (before != wanted.thresholdNanos()) {
                    engine.thresholdNanos(wanted.thresholdNanos());
                    changed.add("threshold " + Durations.format(before) + " -> " + Durations.format(wanted.thresholdNanos())
                            + " (the watchdog still looks every " + Durations.format(running.tickNanos()) + ")");
                }
            } else if (!Objects.equals(value(option, running), value(option, wanted))) {
                fixed.add(option.key() + " (stays " + shown(option, running) + ")");
            }
        }
        StringBuilder b = new StringBuilder("loopwatch was already running: ");
        b.append(changed.isEmpty() ? "nothing changed" : String.join(", ", changed));
        if (!fixed.isEmpty()) {
            b.append("; cannot change in a running JVM: ").append(String.join(", ", fixed))
                    .append(" (restart the service with -javaagent to change them)");
        }
        return b.toString();
    }

    /** The options written in agent arguments, in their order (a bare item continues the list before it). */
    static Set<Option> given(String args) {
        Set<Option> options = new LinkedHashSet<>();
        if (args == null) {
            return options;
        }
        for (String item : args.split(",")) {
            int eq = item.indexOf('=');
            Option option = eq < 0 ? null : Option.byKey(item.substring(0, eq).trim());
            if (option != null) {
                options.add(option);
            }
        }
        return options;
    }

    /** What the option decides in a configuration, to compare. */
    private static Object value(Option option, LoopWatchConfig c) {
        switch (option) {
            case THRESHOLD: return c.thresholdNanos();
            case TICK: return c.tickNanos();
            case REPORT: return c.reportFile() == null ? null : c.reportFile().toAbsolutePath().normalize();
            case EXCLUDE:
            case EXCLUDE_DEFAULTS: return c.excludes();
            case LOG: return c.log();
            case STACK_DEPTH: return c.stackDepth();
            case SCHEDULERS: return c.schedulers();
            case EXECUTORS: return c.executors();
            case ACTION: return c.action();
            case ABORT_INCLUDE: return c.abortIncludes();
            case BLOCKING: return c.blocking();
            case ALLOW: return c.allow();
            case TASK_HISTOGRAM: return c.exactTaskHistogram() ? "exact" : "sampled";
            default: return option.key(); // an option added later: never said to differ
        }
    }

    private static String shown(Option option, LoopWatchConfig c) {
        Object value = value(option, c);
        if (option == Option.TICK) {
            return Durations.format(c.tickNanos());
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? (option == Option.BLOCKING ? "report" : "on") : "off";
        }
        if (value instanceof List) {
            List<String> items = new ArrayList<>();
            for (Object item : (List<?>) value) {
                items.add(String.valueOf(item));
            }
            return items.isEmpty() ? "empty" : String.join(",", items);
        }
        if (value instanceof dev.loopwatch.core.config.Action) {
            return ((dev.loopwatch.core.config.Action) value).key();
        }
        return value == null ? "none" : String.valueOf(value);
    }

    /** The running engine's settings in one line, for the first attach's answer. */
    static String summary(LoopWatchConfig c) {
        return "threshold " + Durations.format(c.thresholdNanos()) + ", tick " + Durations.format(c.tickNanos())
                + ", action " + c.action().key() + ", blocking calls " + (c.blocking() ? "reported" : "off")
                + ", log " + (c.log() ? "on" : "off")
                + (c.reportFile() == null ? "" : ", report " + c.reportFile());
    }
}
