package dev.loopwatch.core;

/**
 * When interrupting a loop thread is safe (FACTS.md, measured on JDK 17 and 25): only while it waits in
 * {@code Thread.sleep}, {@code Object.wait} (so also {@code Process.waitFor}, {@code Thread.join}) or
 * {@code LockSupport.park*} (so {@code Future.get}, latch and condition waits), where the wait ends with
 * {@code InterruptedException} or returns early. Never during channel I/O: an interrupt closes a
 * {@code FileChannel} or blocking {@code SocketChannel} for every user ({@code ClosedByInterruptException}).
 * A thread in I/O is RUNNABLE, never WAITING, which is the test made right before the interrupt.
 */
final class Interrupts {
    /** Waits that ignore an interrupt and leave the flag set for the rest of the task: no use, some risk. */
    private static final String[] UNINTERRUPTIBLE = {
        "java.util.concurrent.locks.ReentrantLock$Sync.lock",
        "java.util.concurrent.locks.ReentrantLock.lock",
        "java.util.concurrent.locks.ReentrantReadWriteLock$ReadLock.lock",
        "java.util.concurrent.locks.ReentrantReadWriteLock$WriteLock.lock",
        "java.util.concurrent.locks.AbstractQueuedSynchronizer.acquireUninterruptibly",
        "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject.awaitUninterruptibly",
        "java.util.concurrent.CompletableFuture.join",
        "java.util.concurrent.ForkJoinTask.join",
        "java.util.concurrent.ForkJoinTask.invoke",
    };

    private Interrupts() {
    }

    static boolean isWaiting(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    /**
     * True when {@code stack} (top frame first) shows a wait an interrupt ends: its top frame is sleep, wait
     * or park, and no frame between it and the application is an uninterruptible lock or an I/O class.
     */
    static boolean safeToInterrupt(Thread.State state, StackTraceElement[] stack) {
        if (!isWaiting(state) || stack.length == 0 || !isInterruptibleWait(stack[0])) {
            return false;
        }
        for (StackTraceElement frame : stack) {
            String cls = frame.getClassName();
            if (!StackAnalyzer.isJdk(cls)) {
                return true; // reached the application: everything above was the wait itself
            }
            if (cls.startsWith("sun.nio.") || cls.startsWith("java.nio.") || cls.startsWith("java.io.")
                    || cls.startsWith("java.net.") || cls.startsWith("sun.net.")) {
                return false;
            }
            String method = cls + "." + frame.getMethodName();
            for (String never : UNINTERRUPTIBLE) {
                if (method.equals(never)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isInterruptibleWait(StackTraceElement top) {
        String cls = top.getClassName();
        String method = top.getMethodName();
        switch (cls) {
            case "java.lang.Thread": return method.startsWith("sleep"); // sleep, sleep0, sleepNanos, sleepNanos0
            case "java.lang.Object": return method.startsWith("wait");  // wait, wait0
            case "jdk.internal.misc.Unsafe": return method.equals("park");
            case "java.util.concurrent.locks.LockSupport": return method.startsWith("park");
            default: return false;
        }
    }
}
