package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;

import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A registered loop thread that runs what the test hands it, one step at a time, for a test-driven clock. */
final class ScriptedLoop implements AutoCloseable {
    private final SynchronousQueue<Runnable> steps = new SynchronousQueue<>();
    private final Semaphore done = new Semaphore(0);
    final Thread thread;
    /** The slot the loop registered with. */
    volatile LoopSlot registered;
    LoopSlot slot;

    ScriptedLoop() throws InterruptedException {
        this("scripted-loop");
    }

    /** A loop thread named {@code name} (its group is the name without a last {@code -n}). */
    ScriptedLoop(String name) throws InterruptedException {
        thread = new Thread(() -> {
            LoopSlot own = Loops.enterLoop(ScriptedLoop.class);
            registered = own;
            try {
                done.release();
                for (Runnable step = steps.take(); step != STOP; step = steps.take()) {
                    step.run();
                    done.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Loops.exitLoop(own);
            }
        }, name);
        thread.start();
        assertTrue(done.tryAcquire(10, TimeUnit.SECONDS));
    }

    void step(Runnable step) throws InterruptedException {
        steps.put(step);
        assertTrue(done.tryAcquire(10, TimeUnit.SECONDS));
    }

    /** Begins and ends {@code n} tasks in one step: all of them between two ticks of the test's clock. */
    void wholeTasks(int n) throws InterruptedException {
        step(() -> {
            for (int i = 0; i < n; i++) {
                Loops.beginTask().end();
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        steps.put(STOP);
        thread.join(5000);
    }

    private static final Runnable STOP = () -> { };
}
