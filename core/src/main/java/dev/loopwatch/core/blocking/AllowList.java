package dev.loopwatch.core.blocking;

import java.util.ArrayList;
import java.util.List;

/**
 * Where blocking on a loop is allowed. Entries are {@code com.acme.Cache#load} (a method, every overload),
 * {@code com.acme.Cache} (every method of a class, constructors aside: advice cannot wrap a
 * constructor's super call) or, built-in only, a package prefix ending in a dot.
 * The agent instruments each class and method named here (but {@link #STACK_ONLY}'s) so that calls inside
 * them are not even recorded on the loop; whatever is recorded, and the contended monitors the watchdog sees,
 * is matched on its stack.
 */
public final class AllowList {
    /**
     * The built-in entries: class loading (reads jars), the JDK selector's own locks (Netty's loops lock
     * them by design, for microseconds), logging frameworks' console and stream appenders (a log call on a
     * loop is the application's choice; their locks and writes are not), Netty's and Vert.x's known-safe
     * spots (the same as their BlockHound integrations), and loopwatch itself.
     */
    public static final List<String> DEFAULTS = List.of(
            "java.lang.ClassLoader#loadClass",
            // Quarkus's fast-jar loader (quarkus-run.jar) reads classes from its jars in its own loadClass, which
            // never reaches ClassLoader's.
            "io.quarkus.bootstrap.runner.RunnerClassLoader#loadClass",
            "sun.nio.ch.SelectorImpl",
            "sun.nio.ch.EPollSelectorImpl",
            "sun.nio.ch.KQueueSelectorImpl",
            "sun.nio.ch.PollSelectorImpl",
            "java.util.logging.StreamHandler#publish",
            "java.util.logging.StreamHandler#flush",
            "java.util.logging.ConsoleHandler#publish",
            "ch.qos.logback.core.OutputStreamAppender#subAppend",
            "org.apache.logging.log4j.core.appender.OutputStreamManager#write",
            "org.apache.logging.log4j.core.appender.OutputStreamManager#flush",
            "org.slf4j.simple.SimpleLogger#write",
            // JBoss LogManager (Quarkus, WildFly): every handler that writes (console, file, size- and
            // period-rotating) does it in WriterHandler's doPublish and flush.
            "org.jboss.logmanager.handlers.WriterHandler#doPublish",
            "org.jboss.logmanager.handlers.WriterHandler#flush",
            "io.netty.util.concurrent.SingleThreadEventExecutor#takeTask",
            "io.netty.util.concurrent.SingleThreadEventExecutor#confirmShutdown",
            "io.netty.util.concurrent.GlobalEventExecutor#takeTask",
            "io.netty.util.concurrent.GlobalEventExecutor#addTask",
            "io.netty.handler.ssl.SslHandler#runAllDelegatedTasks",
            "io.netty.handler.ssl.SslHandler#runDelegatedTasks",
            "io.netty.resolver.HostsFileEntriesProvider$ParserImpl#parse",
            "io.netty.resolver.dns.UnixResolverDnsServerAddressStreamProvider#parse",
            "io.netty.util.internal.NativeLibraryLoader#load",
            "io.vertx.core.file.impl.FileResolverImpl",
            "io.vertx.core.impl.VertxImpl#close",
            // executeBlocking's hand-off to the worker pool (4.x, 5.x): it takes the pool queue's lock, which a
            // worker may hold for a moment; the blocking work itself runs on the worker.
            "io.vertx.core.impl.ContextImpl#internalExecuteBlocking",
            "io.vertx.core.impl.ExecuteBlocking#executeBlocking",
            "dev.loopwatch.bridge.", "dev.loopwatch.core.", "dev.loopwatch.agent.", "dev.loopwatch.shaded.");

    /**
     * Built-in entries matched on the stack only, never given advice: the JDK selectors. A loop calls their
     * methods several times an iteration, and all they can block on (on a platform thread) is their own
     * {@code synchronized} blocks, which only the watchdog's look at the loop's state reports, and those are
     * matched on their stack. Advice there would cost every loop iteration for nothing: it grew methods C2 inlines
     * ({@code selectNow}, {@code selectedKeys}, {@code begin}, {@code end}: 7-9 bytes, to about 50) past
     * the inlining limit ({@code -XX:+PrintInlining}, JDK 25). Its throughput cost was within the
     * benchmark's noise (benchmarks/README.md).
     */
    public static final List<String> STACK_ONLY = List.of(
            "sun.nio.ch.SelectorImpl",
            "sun.nio.ch.EPollSelectorImpl",
            "sun.nio.ch.KQueueSelectorImpl",
            "sun.nio.ch.PollSelectorImpl");

    /**
     * Built-in entries given advice only when Netty's {@code DefaultEventExecutor} threads are watched
     * ({@code executors=on}), else matched on the stack only. {@code takeTask} parks whenever an executor runs
     * dry, so there advice saves recording every idle wait; the watched I/O loops never call it. What blocks
     * in {@code confirmShutdown} on an I/O loop (a 100 ms sleep per check of a graceful shutdown's quiet
     * period, and the tasks it still runs) happens once, at shutdown, and matches on the stack. Advice would
     * mean that an attach to a running service retransforms {@code SingleThreadEventExecutor}, the class every
     * loop runs in, which throws away the loops' compiled code: a quarter of such an install's throughput loss on
     * JDK 17 (measured with the agent installed into a warm, loaded JVM).
     */
    public static final List<String> ADVISED_WITH_EXECUTORS_ONLY = List.of(
            "io.netty.util.concurrent.SingleThreadEventExecutor#takeTask",
            "io.netty.util.concurrent.SingleThreadEventExecutor#confirmShutdown");

    private final String[] classes;
    private final String[] methods;

    private AllowList(List<String> entries) {
        classes = new String[entries.size()];
        methods = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            int hash = e.indexOf('#');
            classes[i] = hash < 0 ? e : e.substring(0, hash);
            methods[i] = hash < 0 ? null : e.substring(hash + 1);
        }
    }

    /** The built-in entries and {@code user}'s. */
    public static AllowList of(List<String> user) {
        List<String> all = new ArrayList<>(DEFAULTS);
        all.addAll(user);
        return new AllowList(all);
    }

    /**
     * Whether {@code frame} runs inside an allowed method. Static initializers are allowed too: they run
     * once per class (like class loading), and the JDK's read configuration files in them on first use.
     */
    public boolean allows(StackTraceElement frame) {
        if (frame.getMethodName().equals("<clinit>")) {
            return true;
        }
        String cls = frame.getClassName();
        for (int i = 0; i < classes.length; i++) {
            String c = classes[i];
            boolean classMatches = c.endsWith(".") ? cls.startsWith(c) : cls.equals(c);
            if (classMatches && (methods[i] == null || methods[i].equals(frame.getMethodName()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether any frame of {@code stack} runs inside an allowed method. */
    public boolean allows(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (allows(frame)) {
                return true;
            }
        }
        return false;
    }
}
