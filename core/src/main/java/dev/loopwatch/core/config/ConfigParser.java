package dev.loopwatch.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads options from the agent argument string, system properties and the environment, in that order
 * of precedence (the agent argument, written right at the flag, wins), and checks every value.
 * Any unknown key or bad value is a {@link ConfigException} whose message is one line for the user.
 */
public final class ConfigParser {
    private static final String PROPERTY_PREFIX = "loopwatch.";
    private static final long MIN_DEFAULT_TICK = 1_000_000L;
    private static final String ENV_PREFIX = "LOOPWATCH_";
    private static final String OFF = "loopwatch is off";
    /** loopwatch's own properties that are not agent options: the JUnit extension's (its Settings, AgentLoader). */
    private static final Set<String> OTHER_PROPERTIES = Set.of("loopwatch.agent.jar", "loopwatch.enabled",
            "loopwatch.blockingCalls");

    private ConfigParser() {
    }

    /** Reads the options of this JVM: {@code agentArgs} (may be null), system properties, environment. */
    public static LoopWatchConfig fromEnvironment(String agentArgs) throws ConfigException {
        return parse(agentArgs, System.getProperties(), System.getenv(), StandardError.LINES);
    }

    /** As {@link #parse(String, Properties, Map, Consumer)}, ignoring warnings. */
    public static LoopWatchConfig parse(String agentArgs, Properties properties, Map<String, String> env)
            throws ConfigException {
        return parse(agentArgs, properties, env, warning -> { });
    }

    /**
     * Reads and checks the options; {@code warnings} gets one line per thing worth saying that does not
     * stop loopwatch (an unknown {@code LOOPWATCH_} environment variable or {@code loopwatch.} system property).
     */
    public static LoopWatchConfig parse(String agentArgs, Properties properties, Map<String, String> env,
                                        Consumer<String> warnings) throws ConfigException {
        Map<Option, String> values = new EnumMap<>(Option.class);
        Map<Option, String> sources = new EnumMap<>(Option.class);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(ENV_PREFIX)) {
                Option option = byEnvironmentName(e.getKey());
                if (option == null) {
                    // The environment is shared by every process a shell starts, so a stray LOOPWATCH_
                    // variable (a launcher's LOOPWATCH_HOME) is named once but does not switch loopwatch
                    // off; agent arguments and -D properties are written for this JVM and stay strict.
                    warnings.accept("loopwatch: ignoring unknown environment variable " + e.getKey()
                            + "; valid options: " + Option.validKeys());
                    continue;
                }
                values.put(option, e.getValue());
                sources.put(option, "environment variable " + e.getKey());
            }
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                Option option = Option.byKey(name.substring(PROPERTY_PREFIX.length()));
                if (option == null) {
                    // System properties are set by the surroundings too: Surefire passes a build's
                    // -Dloopwatch.version=... to the test JVM. Such a name is said once and never switches
                    // loopwatch off; only the agent arguments, typed for loopwatch alone, stay strict.
                    if (!OTHER_PROPERTIES.contains(name)) {
                        warnings.accept(unknown(name, "system property", "ignored").getMessage());
                    }
                    continue;
                }
                values.put(option, properties.getProperty(name));
                sources.put(option, "system property " + name);
            }
        }
        parseAgentArgs(agentArgs, values, sources);
        return build(values, sources);
    }

    private static Option byEnvironmentName(String name) {
        for (Option option : Option.values()) {
            if (option.environmentVariable().equals(name)) {
                return option;
            }
        }
        return null;
    }

    /** {@code k=v,k=v}; for a list option, a bare item continues the list: {@code exclude=a.,b.}. */
    private static void parseAgentArgs(String args, Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        if (args == null || args.isBlank()) {
            return;
        }
        Option last = null;
        Map<Option, String> fromArgs = new EnumMap<>(Option.class);
        for (String item : args.split(",", -1)) {
            String trimmed = item.trim();
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                if (last != null && last.isList()) {
                    fromArgs.put(last, fromArgs.get(last) + "," + trimmed);
                    continue;
                }
                if (trimmed.isEmpty()) {
                    continue;
                }
                throw new ConfigException("loopwatch: option '" + trimmed + "' has no value: write key=value ("
                        + "valid keys: " + Option.validKeys() + "); loopwatch is off");
            }
            String key = trimmed.substring(0, eq).trim();
            Option option = Option.byKey(key);
            if (option == null) {
                throw unknown(key, "agent argument", OFF);
            }
            String value = trimmed.substring(eq + 1).trim();
            if (fromArgs.containsKey(option)) {
                throw new ConfigException("loopwatch: option " + key + " given twice in the agent arguments ('"
                        + fromArgs.get(option) + "' and '" + value + "'): give it once; loopwatch is off");
            }
            fromArgs.put(option, value);
            last = option;
        }
        for (Map.Entry<Option, String> e : fromArgs.entrySet()) {
            values.put(e.getKey(), e.getValue());
            sources.put(e.getKey(), "agent argument");
        }
    }

    private static LoopWatchConfig build(Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        long threshold = duration(Option.THRESHOLD, values, sources);
        // A tenth of the threshold by default: stalls are seen within a tenth of the threshold, and a loaded service
        // on one CPU does not pay for a thread waking every millisecond (about 2-4 % of that CPU; 1 kHz was the
        // default before, and the tick is only about precision, not about whether a stall is seen).
        long tick = value(Option.TICK, values).isBlank() ? Math.max(MIN_DEFAULT_TICK, threshold / 10)
                : duration(Option.TICK, values, sources);
        String report = value(Option.REPORT, values).trim();
        Path reportFile = null;
        if (!report.isEmpty()) {
            try {
                reportFile = Path.of(report);
            } catch (InvalidPathException e) {
                throw bad(Option.REPORT, report, sources, "expected a file path");
            }
        }
        boolean log = onOff(Option.LOG, values, sources);
        List<String> excludes = new ArrayList<>();
        if (onOff(Option.EXCLUDE_DEFAULTS, values, sources)) {
            excludes.addAll(LoopWatchConfig.DEFAULT_EXCLUDES);
        }
        for (String prefix : value(Option.EXCLUDE, values).split(",")) {
            String p = prefix.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (!p.matches("[\\p{javaJavaIdentifierPart}.$]+")) {
                throw bad(Option.EXCLUDE, p, sources, "expected class-name prefixes like com.acme.framework.");
            }
            excludes.add(p);
        }
        int depth;
        String depthText = value(Option.STACK_DEPTH, values).trim();
        try {
            depth = Integer.parseInt(depthText);
        } catch (NumberFormatException e) {
            depth = -1;
        }
        if (depth < 1 || depth > 1024) {
            throw bad(Option.STACK_DEPTH, depthText, sources, "expected a whole number from 1 to 1024");
        }
        if (tick > threshold) {
            throw bad(Option.TICK, value(Option.TICK, values), sources,
                    "expected a duration no longer than threshold (" + Durations.format(threshold) + ")");
        }
        Action action = action(values, sources);
        List<String> abortIncludes = abortIncludes(action, values, sources);
        long slice = duration(Option.SLICE, values, sources);
        if (action == Action.SLICE && (slice < MIN_DEFAULT_TICK || slice >= threshold)) {
            throw bad(Option.SLICE, value(Option.SLICE, values), sources,
                    "expected a duration from 1ms to less than threshold (" + Durations.format(threshold) + ")");
        }
        if (action == Action.SLICE && value(Option.TICK, values).isBlank()) {
            // A slice is only as precise as the watchdog's tick: five ticks a slice (5ms: 1ms), never under 1ms.
            tick = Math.max(MIN_DEFAULT_TICK, Math.min(tick, slice / 5));
        }
        return new LoopWatchConfig(threshold, tick, reportFile, log, excludes, depth,
                onOff(Option.SCHEDULERS, values, sources), onOff(Option.EXECUTORS, values, sources), action,
                abortIncludes, blocking(values, sources), allow(values, sources), slice, lag(values, sources),
                onOff(Option.METERS, values, sources), exactTaskHistogram(values, sources));
    }

    /** {@code task.histogram}: {@code exact} (every task timed by its loop) or {@code sampled} (the default). */
    private static boolean exactTaskHistogram(Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        String text = value(Option.TASK_HISTOGRAM, values).trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "sampled": return false;
            case "exact": return true;
            default: throw bad(Option.TASK_HISTOGRAM, text, sources, "expected sampled or exact");
        }
    }

    /** The loop-lag probe's interval, 0 for {@code off}; at least a millisecond (a probe wakes an idle loop). */
    private static long lag(Map<Option, String> values, Map<Option, String> sources) throws ConfigException {
        String text = value(Option.LAG, values).trim();
        if (text.equalsIgnoreCase("off")) {
            return 0;
        }
        long nanos = duration(Option.LAG, values, sources);
        if (nanos < MIN_DEFAULT_TICK) {
            throw bad(Option.LAG, text, sources, "expected off or a duration of at least 1ms");
        }
        return nanos;
    }

    private static boolean blocking(Map<Option, String> values, Map<Option, String> sources) throws ConfigException {
        String text = value(Option.BLOCKING, values).trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "report": return true;
            case "off": return false;
            default: throw bad(Option.BLOCKING, text, sources, "expected report or off");
        }
    }

    private static List<String> allow(Map<Option, String> values, Map<Option, String> sources) throws ConfigException {
        List<String> allow = new ArrayList<>();
        for (String entry : value(Option.ALLOW, values).split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (!e.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*(#[\\p{javaJavaIdentifierPart}$<>]+)?")
                    || e.endsWith(".") || e.contains("..")) {
                throw bad(Option.ALLOW, e, sources, "expected a class or a method like com.acme.Cache#load");
            }
            allow.add(e);
        }
        return allow;
    }

    private static Action action(Map<Option, String> values, Map<Option, String> sources) throws ConfigException {
        String text = value(Option.ACTION, values).trim().toLowerCase(Locale.ROOT);
        for (Action action : Action.values()) {
            if (action.key().equals(text)) {
                return action;
            }
        }
        throw bad(Option.ACTION, text, sources, "expected log, interrupt, abort or slice");
    }

    /**
     * Prefixes for abort checks: required with action=abort, refused without it, and never one that names or
     * contains the JDK, Netty, Vert.x, Reactor or loopwatch ("com." would take in com.sun.).
     */
    private static List<String> abortIncludes(Action action, Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        List<String> prefixes = new ArrayList<>();
        for (String prefix : value(Option.ABORT_INCLUDE, values).split(",")) {
            String p = prefix.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (!p.matches("[\\p{javaJavaIdentifierPart}.$]+")) {
                throw bad(Option.ABORT_INCLUDE, p, sources, "expected class-name prefixes like com.acme.");
            }
            for (String never : LoopWatchConfig.NEVER_ABORTED) {
                if (p.startsWith(never) || never.startsWith(p)) {
                    throw bad(Option.ABORT_INCLUDE, p, sources, "it takes in " + never
                            + " (the JDK, Netty, Vert.x, Reactor and loopwatch are never aborted); name application packages like com.acme.");
                }
            }
            prefixes.add(p);
        }
        if (action.checks() && prefixes.isEmpty()) {
            throw new ConfigException("loopwatch: option action=" + action.key() + " needs abort.include, the class-name "
                    + "prefixes of application code to check (e.g. abort.include=com.acme.); loopwatch is off");
        }
        if (!action.checks() && !prefixes.isEmpty()) {
            throw bad(Option.ABORT_INCLUDE, String.join(",", prefixes), sources, "only used with action=abort or slice"
                    + " (action is " + action.key() + ")");
        }
        return prefixes;
    }

    private static String value(Option option, Map<Option, String> values) {
        return values.getOrDefault(option, option.defaultValue());
    }

    private static long duration(Option option, Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        String text = value(option, values);
        try {
            return Durations.parseNanos(text);
        } catch (IllegalArgumentException e) {
            throw bad(option, text, sources, e.getMessage());
        }
    }

    private static boolean onOff(Option option, Map<Option, String> values, Map<Option, String> sources)
            throws ConfigException {
        String text = value(option, values).trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "on": case "true": case "yes": return true;
            case "off": case "false": case "no": return false;
            default: throw bad(option, text, sources, "expected on or off");
        }
    }

    /** {@code consequence}: what loopwatch does about it, the message's last words. */
    private static ConfigException unknown(String key, String source, String consequence) {
        if (key.equals("blocking.start") || key.equals(PROPERTY_PREFIX + "blocking.start")) {
            return new ConfigException("loopwatch: option '" + key + "' (" + source + ") no longer exists: blocking"
                    + " calls are reported from the first task on; remove it; " + consequence);
        }
        return new ConfigException("loopwatch: unknown option '" + key + "' (" + source + "); valid options: "
                + Option.validKeys() + "; " + consequence);
    }

    private static ConfigException bad(Option option, String value, Map<Option, String> sources, String expected) {
        String source = sources.getOrDefault(option, "default");
        return new ConfigException("loopwatch: bad value '" + value + "' for option " + option.key() + " ("
                + source + "): " + expected + "; loopwatch is off");
    }
}
