package com.acme.rewrite;

/** Calls {@code Object.wait} in one method of three (an application class: in the call-site rewrite's scope). */
public final class WaitsOnce {
    public synchronized void waitOnce() throws InterruptedException {
        wait(1);
    }

    public int plain(int x) {
        return x + 1;
    }

    public String other() {
        return "x";
    }

    /** Names a method "wait" of its own and calls no {@code Object.wait}. */
    public static final class NamesWait {
        public void wait(int times) {
        }

        public void run() {
            wait(2);
        }
    }
}
