package dev.loopwatch.agent.blocking;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The start-up self-check's blocking calls, made on a thread marked as a loop. Its class is in the scope of
 * the call-site rewrite (on JDK 17 its {@code Thread.sleep(long)} goes through the bridge exactly like an
 * application's), and it is loaded only after the instrumentation is installed.
 */
public final class Canary {
    private Canary() {
    }

    public static void sleep() throws InterruptedException {
        Thread.sleep(1);
    }

    public static void park() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    public static void waitOn() throws InterruptedException {
        Object monitor = new Object();
        synchronized (monitor) {
            monitor.wait(1);
        }
    }
}
