package dev.loopwatch.core;

import dev.loopwatch.bridge.DurationHistogram;
import dev.loopwatch.bridge.LoopSlot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a loop group's tasks run. Every task is counted exactly (the loop's task counter moves by two per task).
 * With {@code task.histogram=sampled} (the default) the watchdog times them at no cost to the loops: a task it saw
 * running at one of its ticks is timed from the tick before it to the tick it ended at, to a tick, and tasks that start
 * and end between two ticks are only counted. With {@code task.histogram=exact} every task is timed by its loop (two
 * clock reads a task, see {@link LoopSlot#durations()}), into a histogram of the loop's own, merged here per group when
 * read. Written by the watchdog thread; read by anyone.
 */
final class TaskTimes {
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    /** Whether the loops time every task themselves ({@code task.histogram=exact}). */
    private final boolean exact;

    TaskTimes(boolean exact) {
        this.exact = exact;
    }

    /**
     * The loop of {@code slot} ended {@code ended} tasks since the last tick, one of them seen running for {@code timed}
     * (or -1). Its group is looked up once per loop and kept in its watch: a tick allocates nothing here.
     */
    void ended(LoopSlot slot, Watch w, long ended, long timedNanos) {
        if (ended <= 0) {
            return;
        }
        Group group = w.taskGroup;
        if (group == null) {
            String name = groupOf(slot.thread().getName());
            group = groups.get(name);
            if (group == null) { // the watchdog's thread only adds
                group = new Group(name);
                groups.put(name, group);
            }
            w.taskGroup = group;
            if (exact) {
                group.join(slot.durations());
            }
        }
        group.tasks.addAndGet(ended);
        if (!exact && timedNanos >= 0) {
            group.timed.record(timedNanos);
        }
    }

    /** The loop of {@code slot} is no longer watched: the tasks it timed stay in its group's. */
    void left(LoopSlot slot, Watch w) {
        if (exact && w.taskGroup != null) {
            w.taskGroup.leave(slot.durations());
        }
    }

    /** {@code nioEventLoopGroup-3-1} is in group {@code nioEventLoopGroup-3}: Netty names a group's threads so. */
    static String groupOf(String thread) {
        int dash = thread.lastIndexOf('-');
        return dash > 0 && dash < thread.length() - 1 && digitsAfter(thread, dash) ? thread.substring(0, dash) : thread;
    }

    private static boolean digitsAfter(String s, int from) {
        for (int i = from + 1; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    List<GroupTasks> snapshot() {
        List<GroupTasks> all = new ArrayList<>();
        for (Group g : groups.values()) {
            all.add(GroupTasks.of(g.name, g.tasks.get(), exact, exact ? g.merged() : g.timed));
        }
        return all;
    }

    static final class Group {
        final String name;
        final AtomicLong tasks = new AtomicLong();
        /** task.histogram=sampled: the tasks the watchdog timed (it writes them). */
        final DurationHistogram timed = new DurationHistogram();
        /** task.histogram=exact: the histograms of the group's loops (each written by its loop), and of loops gone. */
        private final List<DurationHistogram> loops = new ArrayList<>();
        private final DurationHistogram gone = new DurationHistogram();

        Group(String name) {
            this.name = name;
        }

        synchronized void join(DurationHistogram loop) {
            if (loop != null) {
                loops.add(loop);
            }
        }

        /** A loop left (it stopped or died: it records no more), its tasks stay counted, once. */
        synchronized void leave(DurationHistogram loop) {
            if (loop != null && loops.remove(loop)) {
                gone.add(loop);
            }
        }

        /** Every task of the group's loops, those gone included. */
        synchronized DurationHistogram merged() {
            DurationHistogram all = new DurationHistogram();
            all.add(gone);
            for (DurationHistogram loop : loops) {
                all.add(loop);
            }
            return all;
        }
    }
}
