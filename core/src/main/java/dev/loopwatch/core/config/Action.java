package dev.loopwatch.core.config;

import java.util.Locale;

/** What a stall triggers besides its reports ({@code action=log|interrupt|abort}). */
public enum Action {
    /** Report only. */
    LOG,
    /** Interrupt the loop thread, only while it waits in sleep, wait, park or Process.waitFor. */
    INTERRUPT,
    /** Throw {@code dev.loopwatch.TaskTimeoutException} at the next check injected into {@code abort.include} classes. */
    ABORT;

    /** The option's spelling: {@code log}, {@code interrupt}, {@code abort}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
