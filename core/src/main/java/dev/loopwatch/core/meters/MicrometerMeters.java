package dev.loopwatch.core.meters;

import dev.loopwatch.core.Diagnostics;
import dev.loopwatch.core.GroupTasks;
import dev.loopwatch.core.Lag;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportSink;
import dev.loopwatch.core.report.ReportType;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * loopwatch's meters in the application's Micrometer, when it has one: Micrometer is optional and found at run time
 * through the application's class loader, by reflection (as its SLF4J is: the agent jar carries neither, and in a fat
 * jar neither is visible from the agent's loader). The meters go to {@code Metrics.globalRegistry}, which Spring Boot
 * and most applications feed their registries from, so they reach Prometheus, OTLP or whatever the service exports.
 *
 * <ul>
 *   <li>{@code loopwatch.stalls} (counter): tags {@code kind} (loop, scheduler, executor), {@code cause} (task,
 *       class-loading, gc, safepoint) and {@code culprit} (the frame; the first {@link #MAX_CULPRITS} distinct ones
 *       by name, the rest {@code other});</li>
 *   <li>{@code loopwatch.stall.duration} (timer, at each stall's end): tags {@code kind}, {@code cause};</li>
 *   <li>{@code loopwatch.blocking.calls} (counter, every call): tags {@code call}, {@code culprit};</li>
 *   <li>{@code loopwatch.loop.lag} (gauge, seconds): tags {@code loop} and {@code statistic} (p50, p99, max);</li>
 *   <li>{@code loopwatch.tasks} (function counter): tag {@code group}, every task the group's loops ran;</li>
 *   <li>{@code loopwatch.task.duration} (gauge, seconds): tags {@code group}, {@code statistic} (p50, p99, max) of the
 *       tasks the watchdog timed (those that ran past one of its ticks), or with {@code task.histogram=exact} of every
 *       task;</li>
 *   <li>with {@code task.histogram=exact} only, the distribution itself: {@code loopwatch.task.duration.histogram}
 *       (function counter): tags {@code group}, {@code le} (seconds, powers of two of microseconds from 2 us, and
 *       {@code +Inf}), the tasks shorter than {@code le}; and {@code loopwatch.task.duration.sum} (function counter,
 *       seconds): tag {@code group}, their total time.</li>
 * </ul>
 * The exact distribution is cumulative counters rather than a Micrometer {@code Timer}: a timer is fed one
 * {@code record} per task, which the loops cannot afford and a replay of the counts from here would cost a call per
 * task too; a {@code FunctionTimer} has no buckets and, named {@code loopwatch.task.duration}, is refused by
 * Prometheus beside the gauges of that name (a name has one type there). Counters named as Micrometer names a timer's
 * own buckets ({@code <name>.histogram}, tag {@code le}) give Prometheus windowed, aggregatable percentiles
 * ({@code histogram_quantile} over their {@code rate}), and every other registry plain monotonic counts.
 * A meter is looked up and incremented on the reporter thread only (and the lag gauges read by the registry's own
 * thread): nothing on a loop.
 */
public final class MicrometerMeters implements ReportSink {
    static final int MAX_CULPRITS = 50;
    private static final String METRICS = "io.micrometer.core.instrument.Metrics";

    private final Supplier<ClassLoader> appLoader;
    private final Supplier<List<Lag>> lag;
    private final RecentTasks tasks;
    private final Set<String> taskGroups = new HashSet<>();
    private final Set<ClassLoader> tried = Collections.newSetFromMap(new WeakHashMap<>());
    private final Map<String, Object> meters = new HashMap<>();
    private final Map<String, Set<String>> culprits = new HashMap<>();
    private final Set<String> lagGauges = new HashSet<>();
    private volatile Micrometer micrometer;

    /**
     * @param appLoader where Micrometer is looked for (the class loader of a watched loop's class)
     * @param engine    whose loops' lag and groups' tasks the gauges read
     */
    public MicrometerMeters(Supplier<ClassLoader> appLoader, LoopWatch engine) {
        this.appLoader = appLoader;
        this.lag = new LoopLags(engine);
        this.tasks = new RecentTasks(engine);
    }

    /** Whether the meters are in a registry. */
    public boolean bound() {
        return micrometer != null;
    }

    @Override
    public synchronized void accept(Report r) {
        Micrometer m = bind();
        if (m == null) {
            return;
        }
        try {
            switch (r.type()) {
                case STALL:
                    m.increment(counter(m, "loopwatch.stalls", "stalls of loop tasks over the threshold", "kind",
                            r.threadKind(), "cause", r.stallTime() == null ? "task" : r.stallTime().cause(), "culprit",
                            culprit("loopwatch.stalls", r)), 1);
                    break;
                case STALL_END:
                    m.record(timer(m, r.threadKind(), r.stallTime() == null ? "task" : r.stallTime().cause()),
                            r.elapsedNanos());
                    break;
                case BLOCKING_CALL:
                    m.increment(counter(m, "loopwatch.blocking.calls", "blocking calls made on loops", "call", r.call(),
                            "culprit", culprit("loopwatch.blocking.calls", r)), r.count());
                    break;
                default:
                    break;
            }
            lagGauges(m);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Diagnostics.disabled("Micrometer meters", e);
            micrometer = null;
            tried.add(appLoader.get()); // not again from this loader
        }
    }

    /** Binds, and registers the lag gauges of loops not seen before, while there is nothing to report. */
    @Override
    public synchronized void idle() {
        Micrometer m = bind();
        if (m != null) {
            try {
                lagGauges(m);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Diagnostics.disabled("Micrometer meters", e);
                micrometer = null;
            }
        }
    }

    private Micrometer bind() {
        Micrometer m = micrometer;
        if (m != null) {
            return m;
        }
        ClassLoader loader = appLoader.get();
        if (loader == null || !tried.add(loader)) {
            return null;
        }
        try {
            Class.forName(METRICS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // no Micrometer in this application: nothing to say
        }
        try {
            micrometer = new Micrometer(loader);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Diagnostics.disabled("Micrometer meters", e);
        }
        return micrometer;
    }

    /** The culprit tag: the frame while fewer than {@link #MAX_CULPRITS} have been named for this meter, else other. */
    private String culprit(String meter, Report r) {
        Set<String> named = culprits.computeIfAbsent(meter, k -> new HashSet<>());
        String frame = r.culprit() == null ? "unknown" : r.culpritFrame();
        if (named.contains(frame) || named.size() < MAX_CULPRITS && named.add(frame)) {
            return frame;
        }
        return "other";
    }

    private Object counter(Micrometer m, String name, String description, String... tags)
            throws ReflectiveOperationException {
        String key = name + String.join("|", tags);
        Object counter = meters.get(key);
        if (counter == null) {
            counter = m.counter(name, description, tags);
            meters.put(key, counter);
        }
        return counter;
    }

    private Object timer(Micrometer m, String kind, String cause) throws ReflectiveOperationException {
        String key = "loopwatch.stall.duration|" + kind + "|" + cause;
        Object timer = meters.get(key);
        if (timer == null) {
            timer = m.timer("loopwatch.stall.duration", "how long stalls lasted", "kind", kind, "cause", cause);
            meters.put(key, timer);
        }
        return timer;
    }

    private void lagGauges(Micrometer m) throws ReflectiveOperationException {
        for (GroupTasks g : tasks.get()) {
            if (taskGroups.add(g.group())) {
                String group = g.group();
                m.functionCounter("loopwatch.tasks", "tasks the group's loops ran", tasks,
                        t -> valueOf(t, GroupTasks::group, group, GroupTasks::tasks, 1), null, "group", group);
                String help = g.exact() ? "every task the group's loops ran, timed by the loop"
                        : "tasks the watchdog timed (those past one of its ticks)";
                m.gauge("loopwatch.task.duration", help, tasks,
                        t -> valueOf(t, GroupTasks::group, group, GroupTasks::p50Nanos, 1e-9), "group", group, "statistic", "p50");
                m.gauge("loopwatch.task.duration", help, tasks,
                        t -> valueOf(t, GroupTasks::group, group, GroupTasks::p99Nanos, 1e-9), "group", group, "statistic", "p99");
                m.gauge("loopwatch.task.duration", help, tasks,
                        t -> valueOf(t, GroupTasks::group, group, GroupTasks::maxNanos, 1e-9), "group", group, "statistic", "max");
                if (g.exact()) {
                    exactDistribution(m, group);
                }
            }
        }
        for (Lag loop : lag.get()) {
            if (lagGauges.add(loop.thread())) {
                String thread = loop.thread();
                String help = "how long a probe task waited on the loop";
                m.gauge("loopwatch.loop.lag", help, lag, l -> valueOf(l, Lag::thread, thread, Lag::p50Nanos, 1e-9), "loop", thread,
                        "statistic", "p50");
                m.gauge("loopwatch.loop.lag", help, lag, l -> valueOf(l, Lag::thread, thread, Lag::p99Nanos, 1e-9), "loop", thread,
                        "statistic", "p99");
                m.gauge("loopwatch.loop.lag", help, lag, l -> valueOf(l, Lag::thread, thread, Lag::maxNanos, 1e-9), "loop", thread,
                        "statistic", "max");
            }
        }
    }

    /** {@code task.histogram=exact}: the group's tasks by length, as cumulative counters (see the class comment). */
    private void exactDistribution(Micrometer m, String group) throws ReflectiveOperationException {
        String help = "tasks the group's loops ran that were shorter than le seconds";
        for (int k = 0; k < GroupTasks.BOUNDS; k++) {
            int bound = k;
            m.functionCounter("loopwatch.task.duration.histogram", help, tasks,
                    t -> valueOf(t, GroupTasks::group, group, g -> g.timedBelow(bound), 1), null, "group", group,
                    "le", BigDecimal.valueOf(GroupTasks.boundNanos(k), 9).stripTrailingZeros().toPlainString());
        }
        m.functionCounter("loopwatch.task.duration.histogram", help, tasks,
                t -> valueOf(t, GroupTasks::group, group, GroupTasks::timed, 1), null, "group", group, "le", "+Inf");
        m.functionCounter("loopwatch.task.duration.sum", "the total time of the tasks the group's loops ran", tasks,
                t -> valueOf(t, GroupTasks::group, group, GroupTasks::timedNanos, 1e-9), "seconds", "group", group);
    }

    /**
     * The named entry's value, scaled; NaN when it is gone (a loop or group no longer there). One look-up for both the
     * lag gauges (by loop thread) and the task meters (by group).
     */
    private static <T> double valueOf(Supplier<List<T>> entries, java.util.function.Function<T, String> name,
                                      String key, java.util.function.ToLongFunction<T> f, double scale) {
        for (T entry : entries.get()) {
            if (name.apply(entry).equals(key)) {
                return f.applyAsLong(entry) * scale;
            }
        }
        return Double.NaN;
    }

    /** The engine's loops' lag, for the gauges (classes rather than lambdas: see {@code LoopWatch}). */
    private static final class LoopLags implements Supplier<List<Lag>> {
        private final LoopWatch engine;

        LoopLags(LoopWatch engine) {
            this.engine = engine;
        }

        @Override
        public List<Lag> get() {
            return engine.lag();
        }
    }

    /**
     * The engine's last answer of its groups' tasks for {@link #MAX_AGE_NANOS}: a registry reads every meter of a
     * scrape at once, and each group's meters would otherwise merge every loop's histogram again, once per meter.
     */
    private static final class RecentTasks implements Supplier<List<GroupTasks>> {
        static final long MAX_AGE_NANOS = 100_000_000L;
        private final LoopWatch engine;
        private List<GroupTasks> value;
        private long at;

        RecentTasks(LoopWatch engine) {
            this.engine = engine;
        }

        /** Synchronized: two registry threads must never put an older answer back after a newer one (counters). */
        @Override
        public synchronized List<GroupTasks> get() {
            long now = System.nanoTime();
            if (value == null || now - at > MAX_AGE_NANOS) {
                value = engine.tasks();
                at = now;
            }
            return value;
        }
    }

    /** Micrometer's API as reached through the application's loader. */
    private static final class Micrometer {
        final Object registry;
        final Class<?> registryType;
        final Method counterBuilder;
        final Method timerBuilder;
        final Method gaugeBuilder;
        final Method functionCounterBuilder;
        final Method increment;
        final Method record;

        Micrometer(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> metrics = Class.forName(METRICS, true, loader);
            registry = metrics.getField("globalRegistry").get(null);
            registryType = Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader);
            Class<?> counter = Class.forName("io.micrometer.core.instrument.Counter", false, loader);
            Class<?> timer = Class.forName("io.micrometer.core.instrument.Timer", false, loader);
            Class<?> gauge = Class.forName("io.micrometer.core.instrument.Gauge", false, loader);
            counterBuilder = counter.getMethod("builder", String.class);
            timerBuilder = timer.getMethod("builder", String.class);
            gaugeBuilder = gauge.getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
            functionCounterBuilder = Class.forName("io.micrometer.core.instrument.FunctionCounter", false, loader)
                    .getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
            increment = counter.getMethod("increment", double.class);
            record = timer.getMethod("record", long.class, TimeUnit.class);
        }

        Object counter(String name, String description, String... tags) throws ReflectiveOperationException {
            return register(counterBuilder.invoke(null, name), description, null, tags);
        }

        Object timer(String name, String description, String... tags) throws ReflectiveOperationException {
            return register(timerBuilder.invoke(null, name), description, null, tags);
        }

        <T> void gauge(String name, String description, T source, ToDoubleFunction<T> f, String... tags)
                throws ReflectiveOperationException {
            register(gaugeBuilder.invoke(null, name, source, f), description, "seconds", tags);
        }

        <T> void functionCounter(String name, String description, T source, ToDoubleFunction<T> f, String baseUnit,
                                 String... tags) throws ReflectiveOperationException {
            register(functionCounterBuilder.invoke(null, name, source, f), description, baseUnit, tags);
        }

        private Object register(Object builder, String description, String baseUnit, String... tags)
                throws ReflectiveOperationException {
            Class<?> type = builder.getClass();
            type.getMethod("tags", String[].class).invoke(builder, (Object) tags);
            type.getMethod("description", String.class).invoke(builder, description);
            if (baseUnit != null) {
                type.getMethod("baseUnit", String.class).invoke(builder, baseUnit);
            }
            return type.getMethod("register", registryType).invoke(builder, registry);
        }

        void increment(Object counter, double amount) throws ReflectiveOperationException {
            increment.invoke(counter, amount);
        }

        void record(Object timer, long nanos) throws ReflectiveOperationException {
            record.invoke(timer, nanos, TimeUnit.NANOSECONDS);
        }
    }
}
