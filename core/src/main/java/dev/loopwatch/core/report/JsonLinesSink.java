package dev.loopwatch.core.report;

import dev.loopwatch.core.config.Durations;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Appends one JSON object per line to a file (format in docs/reports.md). Each line is written whole, at once, unbuffered:
 * a report must survive the JVM being killed right after it. A write that fails (a full disk, a file removed with its
 * directory) is said once, and the sink goes on trying with the next report, saying how many were lost when writing
 * works again: the log reports never depend on the file.
 */
public final class JsonLinesSink implements ReportSink {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final OutputStream out;
    private final Consumer<String> say;
    private long lost;
    /** The lines of the batch being delivered, written out at {@link #flush()}. */
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(64 * 1024);
    private int pendingLines;

    /**
     * @param say where a failed or resumed write is said (loopwatch's own diagnostics)
     * @throws IOException when the file cannot be opened for appending
     */
    public JsonLinesSink(Path file, Consumer<String> say) throws IOException {
        this.file = file;
        this.say = say;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    @Override
    public void accept(Report report) {
        byte[] line = (toJson(report) + "\n").getBytes(StandardCharsets.UTF_8);
        pending.write(line, 0, line.length);
        pendingLines++;
    }

    /** Writes the batch's lines in one write (the reporter calls it after each batch, however small). */
    @Override
    public void flush() {
        if (pendingLines == 0) {
            return;
        }
        int lines = pendingLines;
        pendingLines = 0;
        try {
            pending.writeTo(out);
        } catch (IOException e) {
            lost += lines;
            if (lost == lines) {
                say.accept("loopwatch: cannot write the report file " + file + " (" + e.getMessage()
                        + "); JSON-lines reports are lost until it can be written, log reports go on");
            }
            return;
        } finally {
            pending.reset();
        }
        if (lost > 0) {
            say.accept("loopwatch: the report file " + file + " is written again; " + lost + " report"
                    + (lost == 1 ? " was" : "s were") + " lost");
            lost = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
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
        if (r.stallTime() != null) {
            stallTime(b, r.stallTime());
        }
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

    /** {@code "cause":"gc","causeMs":{"task":..,"classLoading":..,"gc":..,"safepoint":..},"profile":[{"what":..,"ms":..}]}. */
    private static void stallTime(StringBuilder b, StallTime t) {
        b.append(",\"cause\":");
        string(b, t.cause());
        b.append(",\"causeMs\":{\"task\":").append(Durations.toMillis(t.taskNanos()))
                .append(",\"classLoading\":").append(Durations.toMillis(t.classLoadingNanos()))
                .append(",\"gc\":").append(Durations.toMillis(t.gcNanos()))
                .append(",\"safepoint\":").append(Durations.toMillis(t.safepointNanos())).append("},\"profile\":[");
        for (int i = 0; i < t.profile().size(); i++) {
            StallTime.Entry e = t.profile().get(i);
            b.append(i == 0 ? "{\"what\":" : ",{\"what\":");
            string(b, e.what());
            b.append(",\"ms\":").append(Durations.toMillis(e.nanos())).append('}');
        }
        b.append(']');
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
