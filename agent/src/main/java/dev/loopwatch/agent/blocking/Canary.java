package dev.loopwatch.agent.blocking;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The start-up self-check's blocking calls, made on a thread marked as a loop. Its class is in the scope of
 * the call-site rewrite (on JDK 17 its {@code Thread.sleep(long)} goes through the bridge exactly like an
 * application's), and it is loaded only after the instrumentation is installed, by the system class loader (never
 * defined with the rest of the agent in the bootstrap loader, where nothing would rewrite it): so the check uses it
 * as an {@link IntConsumer}, a JDK type, with the call's number ({@link #SLEEP}, {@link #WAIT}, {@link #PARK}).
 */
public final class Canary implements IntConsumer {
    public static final int SLEEP = 0;
    public static final int WAIT = 1;
    public static final int PARK = 2;

    @Override
    public void accept(int call) {
        try {
            switch (call) {
                case SLEEP -> Thread.sleep(1);
                case WAIT -> waitOn();
                default -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void waitOn() throws InterruptedException {
        Object monitor = new Object();
        synchronized (monitor) {
            monitor.wait(1);
        }
    }
}
