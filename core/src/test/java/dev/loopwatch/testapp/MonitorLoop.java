package dev.loopwatch.testapp;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;

import java.util.concurrent.CountDownLatch;

/** A loop thread of an application that enters {@link #MONITOR} once asked to (outside loopwatch's packages). */
public final class MonitorLoop implements Runnable {
    public static final Object MONITOR = new Object();
    public final CountDownLatch go = new CountDownLatch(1);
    public final CountDownLatch done = new CountDownLatch(1);
    public volatile LoopSlot slot;

    @Override
    public void run() {
        slot = Loops.enterLoop(null);
        try {
            go.await();
            enter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Loops.exitLoop(slot);
            done.countDown();
        }
    }

    void enter() {
        synchronized (MONITOR) {
            MONITOR.hashCode();
        }
    }
}
