package dev.loopwatch.core.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JsonLinesSinkTest {
    private static final StackTraceElement CULPRIT =
            new StackTraceElement("com.acme.Spin", "spin", "Spin.java", 17);
    private static final Report STALL = new Report(ReportType.STALL, 1, Instant.parse("2026-11-25T10:15:30Z"),
            "loop-1", 60_000_000, 50_000_000, "I/O com.acme.Handler.channelRead0", CULPRIT, List.of(CULPRIT));

    /** Linux's /dev/full fails every write with "No space left on device": a full disk, for real. */
    @Test
    void aFullDiskIsSaidOnceWhateverTheNumberOfReportsLost() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        List<String> said = new ArrayList<>();
        try (JsonLinesSink sink = new JsonLinesSink(full, said::add)) {
            sink.accept(STALL);
            sink.accept(STALL);
            sink.accept(STALL);
        }
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).startsWith("loopwatch: cannot write the report file /dev/full ("), said.get(0));
        assertTrue(said.get(0).endsWith("JSON-lines reports are lost until it can be written, log reports go on"),
                said.get(0));
    }

    @Test
    void aFileUnderAPlainFileCannotBeOpened(@TempDir Path dir) throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        assertThrows(IOException.class, () -> new JsonLinesSink(plain.resolve("r.jsonl"), line -> { }));
    }

    @Test
    void linesAreAppendedWholeAndNothingIsSaidWhenWritesWork(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.jsonl");
        Files.writeString(file, "{\"earlier\":true}\n");
        List<String> said = new ArrayList<>();
        try (JsonLinesSink sink = new JsonLinesSink(file, said::add)) {
            sink.accept(STALL);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals(JsonLinesSink.toJson(STALL), lines.get(1));
        assertEquals(List.of(), said);
    }
}
