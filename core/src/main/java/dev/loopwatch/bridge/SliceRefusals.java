package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Whether a task may be suspended at a slice's end ({@code action=slice}): the hazards of suspending it that are
 * looked at as the slice ends (a thread-local it wrote, a lock or a monitor it holds, no loop to resume it on). See
 * {@link Slices} for the rules and why.
 */
final class SliceRefusals {
    private static ThreadMXBean threads;
    private static volatile MethodHandle ownsMonitors;
    private static final boolean MONITORS_DO_NOT_PIN = Runtime.version().feature() >= 24;

    private SliceRefusals() {
    }

    /**
     * Makes what the monitor check needs, off the loops, as slicing is turned on: the first call of the management
     * API loads and links its classes.
     */
    static void prepare() {
        ownsMonitors = ownsMonitorsHandle();
        threads = ManagementFactory.getThreadMXBean();
        threads.getThreadInfo(new long[] {Thread.currentThread().getId()}, threads.isObjectMonitorUsageSupported(), false);
    }

    /** Why {@code unit} must not be suspended now, or null. Loop thread only, in the check. */
    static String refusal(LoopSlot slot, SliceUnit unit) {
        if (unit.threadLocals) {
            unit.toTheEnd = true; // for good: a value it set may still be there at any later check
            return Slices.THREAD_LOCAL;
        }
        if (slot.ownedLocks > 0) {
            return Slices.LOCK;
        }
        if (slot.sliceExecutor == null && !findExecutor(slot)) {
            return Slices.LOOP; // no way to resume it on its own loop
        }
        // Before JDK 24 a continuation holding a monitor is pinned: the yield itself refuses (reason "monitor"), for
        // free. From 24 on it is not (JEP 491), so the thread's monitors are looked at, once per decision (so at most
        // once a slice): tens of microseconds.
        MethodHandle owns = ownsMonitors;
        if (owns != null && MONITORS_DO_NOT_PIN) {
            try {
                if ((boolean) owns.invokeExact(slot.thread)) {
                    return Slices.MONITOR;
                }
                return null;
            } catch (Throwable e) {
                ownsMonitors = null; // below, the management API's way
            }
        }
        ThreadMXBean t = threads;
        if (t != null && MONITORS_DO_NOT_PIN && t.isObjectMonitorUsageSupported()) {
            ThreadInfo[] info = t.getThreadInfo(new long[] {slot.threadId}, true, false);
            if (info.length > 0 && info[0] != null && info[0].getLockedMonitors().length > 0) {
                return Slices.MONITOR;
            }
        }
        return null;
    }

    /**
     * {@code (Thread) -> boolean}: whether the thread owns a monitor, through JDK 25's internal
     * {@code jdk.internal.vm.ThreadSnapshot} (the thread's own stack and locks, taken without stopping other threads:
     * the management API's {@code getThreadInfo} with monitors is a VM operation at a safepoint, which on a loaded
     * machine made every slice decision wait for every thread). Null where it is not there (JDK 24).
     */
    private static MethodHandle ownsMonitorsHandle() {
        try {
            Class<?> type = Class.forName("jdk.internal.vm.ThreadSnapshot", false, null);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            MethodHandle of = lookup.findStatic(type, "of", MethodType.methodType(type, Thread.class));
            MethodHandle owns = lookup.findVirtual(type, "ownsMonitors", MethodType.methodType(boolean.class));
            MethodHandle handle = MethodHandles.filterReturnValue(of, owns);
            Thread probe = Thread.currentThread();
            Object lock = new Object();
            synchronized (lock) {
                if (!(boolean) handle.invokeExact(probe)) {
                    return null; // not what it says it is
                }
            }
            return (boolean) handle.invokeExact(probe) ? null : handle;
        } catch (Throwable t) {
            return null;
        }
    }

    /** The loop's executor (Netty's {@code ThreadExecutorMap.currentExecutor()}), to schedule resumptions on. */
    private static boolean findExecutor(LoopSlot slot) {
        try {
            ClassLoader loader = slot.appLoader();
            Class<?> map = Class.forName("io.netty.util.internal.ThreadExecutorMap", false,
                    loader != null ? loader : ClassLoader.getSystemClassLoader());
            Object executor = map.getMethod("currentExecutor").invoke(null);
            if (executor instanceof ScheduledExecutorService) {
                slot.sliceExecutor = (ScheduledExecutorService) executor;
                return true;
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // not a Netty loop we know: never sliced
        }
        return false;
    }
}
