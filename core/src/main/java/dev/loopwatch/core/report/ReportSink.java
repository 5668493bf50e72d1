package dev.loopwatch.core.report;

/** Where reports go. Called on the reporter thread only, one report at a time. */
public interface ReportSink extends AutoCloseable {
    void accept(Report report) throws Exception;

    /** Called on the reporter thread after {@code Reporter.IDLE_NANOS} without a report: for periodic work. */
    default void idle() throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}
