package dev.loopwatch.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the agent instrumented, per library line ({@code netty-4.1}, {@code netty-4.2}, ...): recorded by
 * the agent's listener (never logged from a transformer), read by tests and by {@link LoopWatch#status()}.
 */
public final class Instrumentations {
    private static final Map<String, List<String>> APPLIED = new ConcurrentHashMap<>();

    private static volatile boolean ready;

    private Instrumentations() {
    }

    /** Called by the agent when every instrumentation is installed. */
    public static void ready() {
        ready = true;
    }

    /** Whether the agent finished installing its instrumentations: under {@code -javaagent}, before {@code main}. */
    public static boolean isReady() {
        return ready;
    }

    /** Records that {@code type} was instrumented for {@code line}. */
    public static void applied(String line, String type) {
        List<String> types = APPLIED.get(line);
        if (types == null) {
            APPLIED.putIfAbsent(line, new CopyOnWriteArrayList<>());
            types = APPLIED.get(line);
        }
        types.add(type);
    }

    /** Records that instrumenting {@code type} for {@code line} failed: counted and said once. */
    public static void failed(String line, String type, Throwable failure) {
        Diagnostics.disabled("instrumentation " + line + " of " + type, failure);
    }

    /** Line to the types instrumented for it, sorted by line. */
    public static Map<String, List<String>> applied() {
        Map<String, List<String>> copy = new TreeMap<>();
        APPLIED.forEach((line, types) -> copy.put(line, List.copyOf(types)));
        return copy;
    }
}
