package dev.loopwatch.testapp;

import dev.loopwatch.bridge.Blocking;
import dev.loopwatch.bridge.BlockingRing;

/** Application code for the core's tests: outside loopwatch's own packages, which are allow-listed. */
public final class App {
    private App() {
    }

    /** What advice does around a blocking call, made directly. */
    /** Burns the CPU for {@code ms}: an application's busy loop, outside the packages a culprit never is. */
    public static void spin(long ms) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    public static void recordedCall(int call) {
        BlockingRing ring = Blocking.enter();
        ring.end(call);
    }

    /**
     * A loop thread's body: registers, makes 20 calls and one allow-listed call, then stays registered until
     * {@code drained}. Written here, not in a test of {@code dev.loopwatch.core}, whose frames are allowed.
     */
    public static Runnable loop(java.util.concurrent.CountDownLatch recorded, java.util.concurrent.CountDownLatch drained) {
        return () -> {
            dev.loopwatch.bridge.LoopSlot slot = dev.loopwatch.bridge.Loops.enterLoop(null);
            try {
                for (int i = 0; i < 20; i++) {
                    recordedCall(0);
                }
                allowedCall(1);
                recorded.countDown();
                drained.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                dev.loopwatch.bridge.Loops.exitLoop(slot);
            }
        };
    }

    /** The same, inside a method the tests allow-list. */
    public static void allowedCall(int call) {
        recordedCall(call);
    }
}
