package com.acme.rewrite;

/**
 * Classes for the call-site rewrite's allow-list tests, outside loopwatch's packages (which the rewrite never
 * applies the allow list to).
 */
public final class Sleepers {
    private Sleepers() {
    }

    /** Sleeps and waits in one method. */
    public static final class Both {
        public void run() throws InterruptedException {
            Thread.sleep(1);
            synchronized (this) {
                wait(1);
            }
        }
    }

    /** Like Netty's SingleThreadEventExecutor: its one sleep is in {@code confirmShutdown}. */
    public static final class InShutdown {
        public void confirmShutdown() throws InterruptedException {
            Thread.sleep(1);
        }

        public void run() {
        }
    }
}
