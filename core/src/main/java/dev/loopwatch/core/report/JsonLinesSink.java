package dev.loopwatch.core.report;

import dev.loopwatch.core.config.Durations;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Appends one JSON object per line to a file (format in docs/reports.md). Each line is flushed at once:
 * a report must survive the JVM being killed right after it.
 */
public final class JsonLinesSink implements ReportSink {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final BufferedWriter out;

    public JsonLinesSink(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public void accept(Report report) throws IOException {
        out.write(toJson(report));
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The report as one line of JSON. */
    public static String toJson(Report r) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":");
        string(b, r.type().wireName());
        b.append(",\"id\":").append(r.id());
        b.append(",\"time\":");
        string(b, TIME.format(r.time()));
        b.append(",\"thread\":");
        string(b, r.thread());
        b.append(",\"kind\":");
        string(b, r.threadKind());
        if (r.type() == ReportType.BLOCKING_CALL) {
            b.append(",\"call\":");
            string(b, r.call());
            b.append(",\"durationMs\":").append(Math.round(r.elapsedNanos() / 1_000.0) / 1_000.0);
            b.append(",\"count\":").append(r.count());
        } else {
            b.append(",\"elapsedMs\":").append(Durations.toMillis(r.elapsedNanos()));
            b.append(",\"thresholdMs\":").append(Durations.toMillis(r.thresholdNanos()));
        }
        b.append(",\"task\":");
        string(b, r.task());
        b.append(",\"culprit\":");
        if (r.culprit() == null) {
            b.append("null");
        } else {
            string(b, r.culpritFrame());
        }
        b.append(",\"stack\":[");
        for (int i = 0; i < r.stack().size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            string(b, Report.frame(r.stack().get(i)));
        }
        return b.append("]}").toString();
    }

    /** Appends {@code s} as a JSON string literal, quoted and escaped. */
    public static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
