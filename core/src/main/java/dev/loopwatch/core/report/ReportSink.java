package dev.loopwatch.core.report;

/** Where reports go. Called on the reporter thread only, one report at a time. */
public interface ReportSink extends AutoCloseable {
    void accept(Report report) throws Exception;

    /**
     * Called after each batch of reports (what the queue held when the reporter woke, at most a few hundred): a sink
     * that buffers writes them out here, so that a burst costs one write, not one per report.
     */
    default void flush() throws Exception {
    }

    /** Called on the reporter thread after {@code Reporter.IDLE_NANOS} without a report: for periodic work. */
    default void idle() throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}
