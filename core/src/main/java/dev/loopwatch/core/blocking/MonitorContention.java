package dev.loopwatch.core.blocking;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.core.Diagnostics;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.util.List;

/**
 * Contended {@code synchronized} on a loop: the JVM enters monitors in its own code, where no advice can
 * go, so loopwatch streams JFR's {@code jdk.JavaMonitorEnter} in-process (threshold 0: every monitor
 * enter that had to wait, with its stack) and keeps the events of loop threads. Uncontended monitors make
 * no event and cost nothing; a contended one costs the JVM an event and a stack walk on the thread that
 * had to wait anyway. Reported after the fact (JFR flushes about once a second).
 */
final class MonitorContention {
    static final String EVENT = "jdk.JavaMonitorEnter";
    private static RecordingStream stream;

    private MonitorContention() {
    }

    static synchronized void start(BlockingDrain drain) {
        if (stream != null) {
            return;
        }
        try {
            RecordingStream rs = new RecordingStream();
            rs.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
            rs.setMaxAge(Duration.ofSeconds(10));
            rs.setReuse(true);
            rs.onEvent(EVENT, event -> accept(drain, event));
            rs.onError(t -> Diagnostics.error("contended-monitor stream", t));
            // Not startAsync(): its thread is not a daemon (JDK 17 and 25), so a program whose main() returns
            // would never exit under the agent. The stream runs on a daemon thread of loopwatch's own instead.
            Thread thread = new Thread(() -> {
                try {
                    rs.start();
                } catch (Throwable t) {
                    Diagnostics.error("contended-monitor stream", t);
                }
            }, "loopwatch-jfr");
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            thread.start();
            stream = rs;
        } catch (Throwable t) {
            Diagnostics.once("jfr", "loopwatch: contended synchronized on loops is not reported: JFR could not start ("
                    + t + "); the other blocking calls are");
        }
    }

    static synchronized void stop() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    private static void accept(BlockingDrain drain, RecordedEvent event) {
        try {
            RecordedThread thread = event.getThread();
            if (thread == null || !Blocking.isLoop(thread.getJavaThreadId())) {
                return;
            }
            StackTraceElement[] frames = frames(event.getStackTrace());
            BlockingCalls.SEEN.incrementAndGet();
            if (drain.allows(frames)) {
                BlockingCalls.ALLOWED.incrementAndGet();
                return;
            }
            RecordedClass monitor = event.getClass("monitorClass");
            String call = "synchronized" + (monitor == null ? "" : " (" + monitor.getName() + ")");
            drain.report(thread.getJavaName(), call, event.getEndTime(), event.getDuration().toNanos(), frames, null, 1);
        } catch (Throwable t) {
            Diagnostics.error("contended-monitor stream", t);
        }
    }

    private static StackTraceElement[] frames(RecordedStackTrace trace) {
        if (trace == null) {
            return new StackTraceElement[0];
        }
        List<StackTraceElement> out = new java.util.ArrayList<>();
        for (RecordedFrame f : trace.getFrames()) {
            // A frame of a method redefined or unloaded since has no method (seen while classes are retransformed).
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String cls = f.getMethod().getType().getName();
            out.add(new StackTraceElement(cls, f.getMethod().getName(), sourceFile(cls), f.getLineNumber()));
        }
        return out.toArray(new StackTraceElement[0]);
    }

    /** JFR frames carry no file name: the usual one for a Java class, so that IDEs can link the line. */
    private static String sourceFile(String cls) {
        String outer = cls.substring(cls.lastIndexOf('.') + 1);
        int dollar = outer.indexOf('$');
        return (dollar > 0 ? outer.substring(0, dollar) : outer) + ".java";
    }
}
