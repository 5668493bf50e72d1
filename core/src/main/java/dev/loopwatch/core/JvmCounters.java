package dev.loopwatch.core;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's own time, read from its performance counters (the memory {@code jcmd PerfCounter.print} and
 * {@code jstat} read): the time all threads stood still at safepoints, and the part of it that was garbage
 * collection. A stall's time is split by them into the task's own and the JVM's.
 *
 * <p>Why not the management beans: {@code ManagementFactory}'s first use costs 120-230 ms of start-up (measured on
 * JDK 17 and 25), and even the internal {@code VMManagement} 7-27 ms; mapping the counters' memory and finding a few
 * names in it takes well under a millisecond, and each read after that is a plain memory load. The counters are
 * {@code jdk.internal.perf}'s, exported to loopwatch by the agent ({@code Instrumentation.redefineModule}); without
 * them ({@code -XX:-UsePerfData}, or loopwatch used without its agent) no split is made and stalls are the task's.
 */
final class JvmCounters {
    private static final int MAGIC = 0xcafec0c0;

    private final ByteBuffer memory;
    private final int[] safepointOffsets;
    private final int[] gcOffsets;
    private final double nanosPerTick;

    private JvmCounters(ByteBuffer memory, int[] safepointOffsets, int[] gcOffsets, long ticksPerSecond) {
        this.memory = memory;
        this.safepointOffsets = safepointOffsets;
        this.gcOffsets = gcOffsets;
        this.nanosPerTick = 1e9 / ticksPerSecond;
    }

    /** This JVM's counters, or null when they cannot be read (said once). */
    static JvmCounters open() {
        try {
            Class<?> perfType = Class.forName("jdk.internal.perf.Perf");
            Object perf = perfType.getMethod("getPerf").invoke(null);
            ByteBuffer memory = attach(perfType, perf);
            long ticksPerSecond = (Long) perfType.getMethod("highResFrequency").invoke(perf);
            return parse(memory.order(byteOrder(memory)), ticksPerSecond);
        } catch (Throwable t) {
            Diagnostics.once("jvm-counters", "loopwatch: the JVM's performance counters cannot be read (" + t
                    + "); stalls are not split into the task's time and the JVM's (GC, safepoints)");
            return null;
        }
    }

    /** {@code Perf.attach(0)} (JDK 21 and later) or {@code Perf.attach(0, "r")} (JDK 17): see the per-JDK table. */
    private static ByteBuffer attach(Class<?> perfType, Object perf) throws Exception {
        for (Method m : perfType.getMethods()) {
            if (m.getName().equals("attach") && m.getParameterCount() == 1) {
                return (ByteBuffer) m.invoke(perf, 0);
            }
        }
        return (ByteBuffer) perfType.getMethod("attach", int.class, String.class).invoke(perf, 0, "r");
    }

    private static ByteOrder byteOrder(ByteBuffer memory) {
        if (memory.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
            throw new IllegalStateException("not a performance-counter buffer");
        }
        return memory.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Finds the counters by name. The layout (a prologue, then entries: length, name offset, vector length, type,
     * flags, units, variability, data offset) is the one {@code sun.jvmstat} reads, unchanged since JDK 6.
     */
    static JvmCounters parse(ByteBuffer memory, long ticksPerSecond) {
        int entry = memory.getInt(24);
        int count = memory.getInt(28);
        List<Integer> safepoint = new ArrayList<>();
        List<Integer> gc = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = memory.getInt(entry);
            String name = name(memory, entry + memory.getInt(entry + 4));
            int data = entry + memory.getInt(entry + 16);
            boolean isLong = memory.get(entry + 12) == 'J' && memory.getInt(entry + 8) == 0;
            if (isLong) {
                if (name.equals("sun.rt.safepointTime") || name.equals("sun.rt.safepointSyncTime")) {
                    safepoint.add(data);
                } else if (name.startsWith("sun.gc.collector.") && name.endsWith(".time")) {
                    gc.add(data);
                }
            }
            entry += length;
        }
        if (safepoint.size() != 2 || ticksPerSecond <= 0) {
            throw new IllegalStateException("no safepoint time among the JVM's " + count + " counters");
        }
        return new JvmCounters(memory, toArray(safepoint), toArray(gc), ticksPerSecond);
    }

    private static String name(ByteBuffer memory, int at) {
        int end = at;
        while (memory.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        memory.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int[] toArray(List<Integer> offsets) {
        int[] a = new int[offsets.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = offsets.get(i);
        }
        return a;
    }

    /** Time every thread stood still at safepoints since the JVM started (reaching them and in them), in ns. */
    long pauseNanos() {
        return sum(safepointOffsets);
    }

    /** The part of {@link #pauseNanos()} that was garbage collection, in ns. */
    long gcNanos() {
        return sum(gcOffsets);
    }

    private long sum(int[] offsets) {
        long ticks = 0;
        for (int offset : offsets) {
            ticks += memory.getLong(offset);
        }
        return (long) (ticks * nanosPerTick);
    }
}
