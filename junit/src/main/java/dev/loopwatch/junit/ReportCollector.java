package dev.loopwatch.junit;

import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportSink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Keeps the JVM's recent reports for the extension to attribute to tests by time. */
final class ReportCollector implements ReportSink {
    /** Far more than one test makes; old reports beyond it are dropped. */
    private static final int KEEP = 10_000;

    private final Deque<Report> reports = new ArrayDeque<>();

    @Override
    public synchronized void accept(Report report) {
        if (reports.size() == KEEP) {
            reports.removeFirst();
        }
        reports.addLast(report);
    }

    /** Reports made at or after {@code since}, oldest first. */
    synchronized List<Report> since(Instant since) {
        List<Report> recent = new ArrayList<>();
        for (Report r : reports) {
            if (!r.time().isBefore(since)) {
                recent.add(r);
            }
        }
        return recent;
    }
}
