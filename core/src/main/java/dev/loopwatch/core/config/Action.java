package dev.loopwatch.core.config;

import java.util.Locale;

/** What a stall triggers besides its reports ({@code action=log|interrupt|abort|slice}). */
public enum Action {
    /** Report only. */
    LOG,
    /** Interrupt the loop thread, only while it waits in sleep, wait, park or Process.waitFor. */
    INTERRUPT,
    /** Throw {@code dev.loopwatch.TaskTimeoutException} at the next check injected into {@code abort.include} classes. */
    ABORT,
    /**
     * Experimental, JDK 21+: suspend a task at the next check injected into {@code abort.include} classes once it has
     * run {@code slice}, and resume it later on the same loop, so the loop's other work goes on meanwhile.
     */
    SLICE;

    /** Whether the action injects checks into {@code abort.include} classes. */
    public boolean checks() {
        return this == ABORT || this == SLICE;
    }

    /** The option's spelling: {@code log}, {@code interrupt}, {@code abort}, {@code slice}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
