package dev.loopwatch.core.report;

/** Where reports go. Called on the reporter thread only, one report at a time. */
public interface ReportSink extends AutoCloseable {
    void accept(Report report) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
