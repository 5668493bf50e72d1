package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a loop group's tasks run, as the watchdog sees them at no cost to the loops: every task is counted exactly
 * (the loop's task counter moves by two per task), and a task the watchdog saw running at one of its ticks is timed
 * from the tick before it to the tick it ended at, to a tick. Tasks that start and end between two ticks are counted
 * as shorter than a tick. An exact time per task would cost the loop a clock read per task (about 25 ns); this costs
 * it nothing. Written by the watchdog thread; read by anyone.
 */
final class TaskTimes {
    private final Map<String, Group> groups = new ConcurrentHashMap<>();

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
            group = groups.computeIfAbsent(groupOf(slot.thread().getName()), Group::new);
            w.taskGroup = group;
        }
        group.tasks.addAndGet(ended);
        if (timedNanos >= 0) {
            group.timed.record(timedNanos);
        }
    }

    /** {@code nioEventLoopGroup-3-1} is in group {@code nioEventLoopGroup-3}: Netty names a group's threads so. */
    static String groupOf(String thread) {
        int dash = thread.lastIndexOf('-');
        return dash > 0 && dash < thread.length() - 1 && thread.substring(dash + 1).chars().allMatch(Character::isDigit)
                ? thread.substring(0, dash) : thread;
    }

    List<GroupTasks> snapshot() {
        List<GroupTasks> all = new ArrayList<>();
        for (Group g : groups.values()) {
            Lag timed = g.timed.snapshot(g.name);
            all.add(new GroupTasks(g.name, g.tasks.get(), timed.samples(), timed.p50Nanos(), timed.p99Nanos(),
                    timed.maxNanos()));
        }
        return all;
    }

    static final class Group {
        final String name;
        final AtomicLong tasks = new AtomicLong();
        final LagHistogram timed = new LagHistogram();

        Group(String name) {
            this.name = name;
        }
    }
}
