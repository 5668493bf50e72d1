package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.blocking.AllowList;
import dev.loopwatch.core.blocking.BlockingCalls;
import dev.loopwatch.core.blocking.BlockingDrain;
import dev.loopwatch.core.blocking.MonitorContention;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.config.StandardError;
import dev.loopwatch.core.meters.MicrometerMeters;
import dev.loopwatch.core.report.JsonLinesSink;
import dev.loopwatch.core.report.LogSink;
import dev.loopwatch.core.report.ReportSink;
import dev.loopwatch.core.report.jfr.JfrSink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The engine: one watchdog thread and one reporter thread, started once per JVM. The agent starts it;
 * tests and tools read {@link #status()}.
 */
public final class LoopWatch {
    private static volatile LoopWatch current;
    /** Why the agent, loaded into this JVM, did not start (its options were refused); null otherwise. */
    private static volatile String refusal;
    private static final Supplier<ClassLoader> APPLICATION_LOADER = new ApplicationLoader();

    private final LoopWatchConfig config;
    private final Watchdog watchdog;
    private final Reporter reporter;
    private final LogSink logSink;
    private final Thread watchdogThread;
    private final Thread reporterThread;
    private final BlockingDrain blockingDrain;
    private final Thread blockingThread;

    private LoopWatch(LoopWatchConfig config, List<ReportSink> extraSinks) throws IOException {
        this.config = config;
        StackAnalyzer analyzer = new StackAnalyzer(config.excludes(), config.stackDepth());
        List<ReportSink> sinks = new ArrayList<>();
        if (config.log()) {
            logSink = new LogSink(APPLICATION_LOADER, System.err, new FrameworkClasses(analyzer));
            sinks.add(logSink);
        } else {
            logSink = null;
        }
        if (config.reportFile() != null) {
            try {
                sinks.add(new JsonLinesSink(config.reportFile(), StandardError.LINES));
            } catch (IOException | RuntimeException e) {
                // The user's file, not loopwatch's fault: said once, and the other reports go on.
                System.err.println("loopwatch: cannot open the report file " + config.reportFile() + " (" + e
                        + "); no JSON-lines reports, log reports go on");
            }
        }
        // JFR events (loopwatch.Stall, ...): nothing of JFR is touched until a recording may want them.
        sinks.add(new JfrSink());
        sinks.addAll(extraSinks);
        if (config.meters()) {
            sinks.add(new MicrometerMeters(APPLICATION_LOADER, this));
        }
        this.reporter = new Reporter(sinks);
        this.watchdog = new Watchdog(config.thresholdNanos(), config.tickNanos(), analyzer, reporter,
                config.action(), config.sliceNanos());
        if (config.lagNanos() > 0) {
            watchdog.lag(config.lagNanos());
        }
        if (config.exactTaskHistogram()) {
            // Before any loop registers (the engine is made before anything is instrumented): each slot made from
            // now on has its histogram, and its loop times every task into it.
            Loops.enableTaskDurations();
            watchdog.exactTaskTimes();
        }
        this.reporterThread = daemon(reporter, "loopwatch-reporter");
        this.watchdogThread = daemon(watchdog, "loopwatch-watchdog");
        if (config.blocking()) {
            this.blockingDrain = new BlockingDrain(analyzer, AllowList.of(config.allow()), reporter,
                    new AtomicLong());
            watchdog.monitors(new MonitorContention(blockingDrain));
            this.blockingThread = daemon(blockingDrain, "loopwatch-blocking");
        } else {
            this.blockingDrain = null;
            this.blockingThread = null;
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.setContextClassLoader(null); // never pin an application loader from an agent thread
        return t;
    }

    /**
     * Starts loopwatch with {@code config}, once per JVM; a second call returns the running instance.
     *
     * @throws IOException when the report file cannot be opened
     */
    public static synchronized LoopWatch start(LoopWatchConfig config) throws IOException {
        return start(config, List.of());
    }

    /** As {@link #start(LoopWatchConfig)}, with more sinks (the JUnit extension's collector). */
    public static synchronized LoopWatch start(LoopWatchConfig config, List<ReportSink> extraSinks)
            throws IOException {
        if (current == null) {
            LoopWatch engine = new LoopWatch(config, extraSinks);
            engine.reporterThread.start();
            // Named before it runs, so a loop registering at once already wakes the right thread.
            Loops.watcher(engine.watchdogThread);
            engine.watchdogThread.start();
            if (engine.blockingThread != null) {
                engine.blockingThread.start();
            }
            current = engine;
        }
        return current;
    }

    /** The running engine, or null when loopwatch is not running in this JVM. */
    public static LoopWatch current() {
        return current;
    }

    /**
     * Records that the agent was loaded but stays off, and why (the one-line option error it printed): so that
     * the JUnit extension fails with that reason at once instead of loading the agent again and waiting.
     */
    public static void refused(String reason) {
        refusal = reason;
    }

    /** Why the agent loaded into this JVM is off (its options were refused), or null. */
    public static String refusal() {
        return refusal;
    }

    public LoopWatchConfig config() {
        return config;
    }

    /**
     * Adds a sink that gets every report from now on, on the reporter thread (the JUnit extension's
     * collector, a measuring program). A sink that throws is switched off and said once.
     */
    public void addSink(ReportSink sink) {
        reporter.add(sink);
    }

    /**
     * Waits until whatever ran on a loop before the call is settled and reported: the watchdog has looked
     * at every loop again (it is woken at once, so this takes microseconds), each task that was running has
     * ended or become a stall (at most the threshold), the blocking calls recorded on loops have been
     * drained into reports (a contended {@code synchronized} is reported by the watchdog's tick after it ended),
     * and the sinks got every report made so far. The
     * JUnit extension calls it at the end of each test. Returns false on timeout.
     */
    public boolean flush(java.time.Duration timeout) {
        long called = System.nanoTime();
        long deadline = called + timeout.toNanos();
        // A watchdog tick and a drain pass that both began after this call, run side by side: each hand-off
        // to another thread costs a wake-up (tens of microseconds here), and a test suite pays them per test.
        Passes ticks = watchdog.ticks();
        long tick = ticks.wholePassAfterNow();
        Passes passes = blockingDrain == null ? null : blockingDrain.passes();
        long pass = passes == null ? 0 : passes.wholePassAfterNow();
        return Await.until(() -> ticks.reached(tick) && (passes == null || passes.reached(pass)),
                        () -> watchdog.running() && (blockingDrain == null || blockingDrain.running()),
                        timeout.toNanos(), ticks.thread(), passes == null ? null : passes.thread())
                && watchdog.awaitTasksStartedBefore(called, Math.max(0, deadline - System.nanoTime()))
                && reporter.awaitDelivered(Math.max(0, deadline - System.nanoTime()));
    }

    /** The stall threshold in force now. */
    public long thresholdNanos() {
        return watchdog.thresholdNanos();
    }

    /**
     * Changes the stall threshold from the next tick on. The JUnit extension sets each test's threshold;
     * it is one value for the whole JVM.
     */
    public void thresholdNanos(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("threshold must be positive: " + nanos);
        }
        watchdog.thresholdNanos(nanos);
    }

    /**
     * Tasks that may have run past the threshold while the watchdog got no CPU ({@link Status#unobserved()}),
     * without building a whole status: the JUnit extension reads it around every test.
     */
    public long unobserved() {
        return watchdog.unobserved();
    }

    /**
     * Each watched I/O loop's lag since start: how long a probe task queued on it every {@code lag} interval waited
     * before it ran (Netty loops the agent saw start; empty with {@code lag=off}).
     */
    public List<Lag> lag() {
        return watchdog.lagSnapshot();
    }

    /**
     * Each loop group's tasks since start: every task counted, and the ones that ran past a watchdog tick timed (to a
     * tick), at no cost to the loops; with {@code task.histogram=exact}, every task timed by its loop. See
     * {@link GroupTasks}.
     */
    public List<GroupTasks> tasks() {
        return watchdog.taskSnapshot();
    }

    /** A snapshot of what loopwatch did so far. */
    public Status status() {
        return new Status(watchdogThread.isAlive(), Instrumentations.isReady(), Loops.live().length, watchdog.stalls(), watchdog.unobserved(),
                reporter.delivered(),
                reporter.dropped(), Diagnostics.errors(), Diagnostics.failures(), Instrumentations.applied(),
                logSink == null ? null : logSink.logName(), BlockingCalls.seen(), BlockingCalls.allowed(),
                dev.loopwatch.bridge.Slices.slices(), dev.loopwatch.bridge.Slices.fallbacks());
    }

    /** Stops both threads after the queued reports are written. For tests; the agent never stops. */
    public static synchronized void stop() throws InterruptedException {
        LoopWatch engine = current;
        if (engine != null) {
            engine.watchdog.stop();
            engine.watchdogThread.join(5_000);
            if (engine.blockingDrain != null) {
                engine.blockingDrain.stop();
                engine.blockingThread.join(5_000);
            }
            engine.reporter.stop();
            engine.reporterThread.join(5_000);
            current = null;
        }
    }

    /**
     * Where the application's libraries are: the class loader of a watched loop's class. A class, as the few other
     * functions the engine hands out as it starts: a lambda or method reference made in {@code premain} costs the
     * start a generated class, about a millisecond each on 2 vCPUs.
     */
    private static final class ApplicationLoader implements Supplier<ClassLoader> {
        @Override
        public ClassLoader get() {
            for (LoopSlot slot : Loops.live()) {
                ClassLoader loader = slot.appLoader();
                if (loader != null) {
                    return loader;
                }
            }
            return ClassLoader.getSystemClassLoader();
        }
    }

    /** Tells framework classes from the application's, for the log's shortened stacks. */
    private static final class FrameworkClasses implements Predicate<String> {
        private final StackAnalyzer analyzer;

        FrameworkClasses(StackAnalyzer analyzer) {
            this.analyzer = analyzer;
        }

        @Override
        public boolean test(String className) {
            return analyzer.isFramework(className);
        }
    }
}
