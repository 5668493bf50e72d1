package dev.loopwatch.examples.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a loopwatch JSON-lines report file as a table, one line per report: id, type, loop thread,
 * time, culprit frame. (Each line of the file is a flat JSON object, so a few patterns read it; a real
 * consumer would use a JSON library or {@code jq}.)
 * <pre>
 * ReportTable examples/target/demo-report.jsonl
 * </pre>
 */
public final class ReportTable {
    private static final String STRING = "\"((?:[^\"\\\\]|\\\\.)*)\"";
    private static final String ROW = "  %-4s %-13s %-16s %9s  %s%n";

    private ReportTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ReportTable <report.jsonl>");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        System.out.printf(ROW, "id", "type", "thread", "time", "culprit");
        for (String line : lines) {
            if (!line.isBlank()) {
                System.out.printf(ROW, number(line, "id"), string(line, "type"), string(line, "thread"), time(line),
                        culprit(line));
            }
        }
        System.out.println("  (" + lines.size() + " reports; each line of the file also has time, thresholdMs, task and the sampled stack)");
    }

    static String string(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":" + STRING).matcher(json);
        return m.find() ? unescape(m.group(1)) : "?";
    }

    static String number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    /** A stall's run time so far ({@code elapsedMs}), or how long a blocking call took ({@code durationMs}). */
    static String time(String json) {
        String ms = number(json, "elapsedMs");
        if ("?".equals(ms)) {
            ms = number(json, "durationMs");
        }
        return "?".equals(ms) ? "?" : String.format(Locale.ROOT, "%.1f ms", Double.parseDouble(ms));
    }

    static String culprit(String json) {
        return json.contains("\"culprit\":null") ? "unknown" : string(json, "culprit");
    }

    private static String unescape(String s) {
        return s.replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
