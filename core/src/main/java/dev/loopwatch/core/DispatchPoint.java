package dev.loopwatch.core;

/**
 * The methods through which a loop hands control to one task: the same methods the agent instruments.
 * Matched by simple class name so that shaded copies of Netty (grpc-netty-shaded) are recognised too.
 */
public final class DispatchPoint {
    static final String REACTOR_SCHEDULER = "reactor.core.scheduler.";

    private DispatchPoint() {
    }

    /**
     * Whether a loop with this stack is inside a task: a dispatch point is on it. For a loop adopted while busy
     * (the agent attached late), whose task no advice saw begin and none will see end.
     */
    public static boolean inTask(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (kindOf(frame) != null) {
                return true;
            }
        }
        return false;
    }

    /** "task" or "I/O" when the frame is a dispatch point, else null. */
    static String kindOf(StackTraceElement frame) {
        String cls = frame.getClassName();
        if (cls.startsWith(REACTOR_SCHEDULER)) {
            // Reactor's scheduler tasks: SchedulerTask, WorkerTask, Periodic*Task, InstantPeriodicWorkerTask
            String m = frame.getMethodName();
            return cls.endsWith("Task") && (m.equals("call") || m.equals("run")) ? "task" : null;
        }
        if (!cls.contains("netty")) {
            return null;
        }
        String method = frame.getMethodName();
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        switch (method) {
            case "runTask":
            case "safeExecute":
                return simple.equals("AbstractEventExecutor") ? "task" : null;
            case "processSelectedKey": // Netty 4.1 NIO, one channel
            case "processReady":       // Netty 4.1 epoll and kqueue, one batch of ready channels
                return simple.endsWith("EventLoop") ? "I/O" : null;
            case "handle":             // Netty 4.2, one IoRegistration of any transport
                return simple.contains("IoHandler$") && simple.endsWith("Registration") ? "I/O" : null;
            default:
                return null;
        }
    }
}
