package dev.loopwatch.core;

import java.util.Arrays;
import java.util.List;

/**
 * Reads a sampled loop stack: where the loop handed control to the task (the dispatch frame), what the
 * task is, and which application frame is to blame. Everything is derived from the stack on the
 * watchdog thread, so the loop thread never pays for naming its tasks.
 */
public final class StackAnalyzer {
    private final String[] frameworkPrefixes;
    private final int maxDepth;

    public StackAnalyzer(List<String> frameworkPrefixes, int maxDepth) {
        this.frameworkPrefixes = frameworkPrefixes.toArray(new String[0]);
        this.maxDepth = maxDepth;
    }

    /**
     * True for classes of the JDK, the frameworks and loopwatch (the exclusion list), and for the JVM's
     * generated lambda classes ({@code Foo$$Lambda/0x...}): the lambda's body is the next frame, a real
     * method of the application with a file and a line.
     */
    public boolean isFramework(String className) {
        if (className.contains("$$Lambda")) {
            return true;
        }
        for (String prefix : frameworkPrefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first application frame from the top. When every frame is a framework's, the frame that explains the stall:
     * the outermost static initialiser above the dispatch, if any (a fresh Netty 4.2 service's first request runs
     * {@code io.netty.buffer.AllocateChunkEvent.<clinit>}, which starts JFR, for 100-200 ms: its top frame is some JFR
     * internal, and the sample may even land in a JDK initialiser that runs inside it,
     * {@code jdk.jfr.internal.MetadataRepository.<clinit>}, seen on Micronaut's first request; neither names what the
     * task set off, the outermost one does); else the frame that asked for the class being loaded or the
     * {@code invokedynamic} call site being linked (a fresh Vert.x server's first connection links a lambda in
     * {@code HttpServerWorker.configureHttp1Handler}: its top frame is inside the JDK's own ASM); else the innermost
     * frame outside the JDK, the framework code that called into it (Netty's first look at a handler's annotations
     * spins an annotation proxy class: {@code ChannelHandlerMask}, not the JDK's class writer); else the top frame.
     */
    public StackTraceElement culprit(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (!isFramework(frame.getClassName())) {
                return frame;
            }
        }
        StackTraceElement initialiser = null;
        int outermostLoading = -1;
        int firstOutsideJdk = -1;
        int end = stack.length;
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement frame = stack[i];
            if (DispatchPoint.kindOf(frame) != null) {
                end = i;
                break;
            }
            if (frame.getMethodName().equals("<clinit>")) {
                initialiser = frame;
            }
            if (ClassLoadingFrames.asksForClass(frame)) {
                outermostLoading = i;
            }
            if (firstOutsideJdk < 0 && !isJdk(frame.getClassName())) {
                firstOutsideJdk = i;
            }
        }
        if (initialiser != null) {
            return initialiser;
        }
        if (outermostLoading >= 0 && outermostLoading + 1 < end) {
            return stack[outermostLoading + 1];
        }
        if (firstOutsideJdk >= 0) {
            return stack[firstOutsideJdk];
        }
        return stack.length == 0 ? null : stack[0];
    }

    /** A class of the JDK's own: one rule for the culprit (the first frame outside) and for {@link Interrupts}. */
    static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }

    /**
     * What the task is: {@code "task com.acme.Job.run"}, {@code "scheduled task ..."} or
     * {@code "I/O com.acme.HttpHandler.channelRead0"}: its kind, from the dispatch frame, and the
     * outermost application frame above the dispatch (the handler or Runnable the loop called into).
     */
    public String describeTask(StackTraceElement[] stack) {
        int dispatch = dispatchFrame(stack);
        if (dispatch < 0) {
            return "unknown task";
        }
        String kind = DispatchPoint.kindOf(stack[dispatch]);
        if (dispatch == 0) {
            return kind;
        }
        int entry = entryIndex(stack, dispatch);
        boolean scheduled = false;
        for (int i = dispatch - 1; i > entry; i--) {
            String cls = stack[i].getClassName();
            if (cls.endsWith("ScheduledFutureTask") && isFramework(cls)) {
                scheduled = true;
            }
        }
        StackTraceElement named = stack[entry >= 0 ? entry : dispatch - 1];
        return (scheduled ? "scheduled " : "") + kind + " " + named.getClassName() + "." + named.getMethodName();
    }

    /**
     * What the task is, best named: from the framework handler it dispatched to ({@code LoopSlot.handler()}: a
     * Vert.x route or event-bus consumer, a gRPC call), else from the Vert.x context it ran for (the
     * verticle), else from the stack as {@link #describeTask(StackTraceElement[])}. Either may be null.
     * Reflection on framework objects: call it on loopwatch's threads only, once there is something to report.
     */
    public String describeTask(StackTraceElement[] stack, Object handler, Object vertxContext) {
        if (handler == null && vertxContext == null) {
            return describeTask(stack);
        }
        StackTraceElement entry = entry(stack);
        String named = handler == null ? null : HandlerNames.describe(handler, entry);
        if (named == null && vertxContext != null) {
            named = HandlerNames.verticle(vertxContext, entry);
        }
        return named != null ? named : describeTask(stack);
    }

    /**
     * The outermost application frame above the dispatch: the handler or Runnable the loop called into
     * ({@code com.acme.Poller.handle}); null when there is no dispatch frame or no application frame above it.
     */
    public StackTraceElement entry(StackTraceElement[] stack) {
        int dispatch = dispatchFrame(stack);
        int entry = dispatch > 0 ? entryIndex(stack, dispatch) : -1;
        return entry >= 0 ? stack[entry] : null;
    }

    /**
     * The index of the outermost application frame above {@code dispatch}, or -1. Lambda frames count as the
     * framework's: a lambda's generated class names nothing the user wrote, its body one frame further in
     * ({@code Owner.lambda$method$0}) does.
     */
    private int entryIndex(StackTraceElement[] stack, int dispatch) {
        for (int i = dispatch - 1; i >= 0; i--) {
            if (!isFramework(stack[i].getClassName())) {
                return i;
            }
        }
        return -1;
    }

    /** The frames worth keeping: from the top down to the dispatch frame, at most the configured depth. */
    public List<StackTraceElement> trim(StackTraceElement[] stack) {
        int dispatch = dispatchFrame(stack);
        int end = dispatch < 0 ? stack.length : dispatch + 1;
        return Arrays.asList(Arrays.copyOf(stack, Math.min(end, maxDepth)));
    }

    private static int dispatchFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (DispatchPoint.kindOf(stack[i]) != null) {
                return i;
            }
        }
        return -1;
    }
}
