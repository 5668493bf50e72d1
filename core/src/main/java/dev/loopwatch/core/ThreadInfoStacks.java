package dev.loopwatch.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * The stacks of several threads in one VM operation: {@code ThreadMXBean.getThreadInfo(ids, depth)} walks all of them
 * in a single {@code VM_ThreadDump} (one safepoint), without their locks. The watchdog's only use of java.management,
 * in a class of its own so that it is loaded on first need only ({@link LoopStacks}).
 */
final class ThreadInfoStacks {
    private static final StackTraceElement[] NONE = new StackTraceElement[0];

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** The stacks of {@code of[0..count)} into {@code stacks[0..count)}; an empty one for a thread that ended. */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
    void take(Thread[] of, StackTraceElement[][] stacks, int count) {
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = of[i].getId();
        }
        // Integer.MAX_VALUE: the whole stack, as Thread.getStackTrace() gives it.
        ThreadInfo[] infos = threads.getThreadInfo(ids, Integer.MAX_VALUE);
        for (int i = 0; i < count; i++) {
            stacks[i] = infos[i] == null ? NONE : infos[i].getStackTrace();
        }
    }
}
