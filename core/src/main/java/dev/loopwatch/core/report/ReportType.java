package dev.loopwatch.core.report;

/** The kinds of report, as named in the JSON-lines {@code type} field. */
public enum ReportType {
    /** A task is still running past the threshold; reported while it runs. */
    STALL("stall"),
    /** A stalled task ended; gives its total time. */
    STALL_END("stall-end"),
    /** action=abort: the stalled task was asked to stop at its next injected check. */
    ABORT("abort"),
    /** action=interrupt: the loop thread was interrupted while it waited (sleep, wait, park). */
    INTERRUPT("interrupt"),
    /** action=interrupt: the stalled task was not waiting, so an interrupt would not help (once per culprit). */
    NOT_INTERRUPTED("not-interrupted"),
    /** action=slice: a task could not be suspended where it was asked to (once per reason and culprit). */
    SLICE_FALLBACK("slice-fallback"),
    /** A blocking call (sleep, wait, park, file or socket I/O, DNS, ...) made on a loop, however short. */
    BLOCKING_CALL("blocking-call");

    private final String wireName;

    ReportType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in reports. */
    public String wireName() {
        return wireName;
    }
}
