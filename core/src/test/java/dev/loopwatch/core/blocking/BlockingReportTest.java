package dev.loopwatch.core.blocking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.JsonLinesSink;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockingReportTest {
    static final StackTraceElement CULPRIT = new StackTraceElement("com.acme.Settings", "load", "Settings.java", 40);

    static Report report(long count) {
        return new Report(ReportType.BLOCKING_CALL, 3, Instant.parse("2026-11-25T10:15:30.123Z"), "nioEventLoopGroup-3-2",
                2_123_456, 0, "I/O com.acme.Handler.channelRead0", CULPRIT,
                List.of(new StackTraceElement("java.io.FileInputStream", "read", "FileInputStream.java", 1), CULPRIT),
                "java.io.FileInputStream.read", count);
    }

    @Test
    void jsonLineOfABlockingCall() throws Exception {
        JsonNode n = new ObjectMapper().readTree(JsonLinesSink.toJson(report(3)));
        assertEquals("blocking-call", n.get("type").asText());
        assertEquals("java.io.FileInputStream.read", n.get("call").asText());
        assertEquals(2.123, n.get("durationMs").asDouble());
        assertEquals(3, n.get("count").asLong());
        assertEquals("nioEventLoopGroup-3-2", n.get("thread").asText());
        assertEquals("com.acme.Settings.load(Settings.java:40)", n.get("culprit").asText());
        assertEquals(2, n.get("stack").size());
        assertFalse(n.has("thresholdMs"));
    }

    @Test
    void blockingAndAllowOptions() throws ConfigException {
        LoopWatchConfig c = ConfigParser.parse("blocking=off,allow=com.acme.Cache#load,com.acme.Config", new Properties(), Map.of());
        assertFalse(c.blocking());
        assertEquals(List.of("com.acme.Cache#load", "com.acme.Config"), c.allow());
        assertTrue(LoopWatchConfig.defaults().blocking());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("allow=com.acme.Cache#", new Properties(), Map.of()));
        assertEquals("loopwatch: bad value 'com.acme.Cache#' for option allow (agent argument): expected a class or a method"
                + " like com.acme.Cache#load; loopwatch is off", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigParser.parse("blocking=maybe", new Properties(), Map.of()));
        assertEquals("loopwatch: bad value 'maybe' for option blocking (agent argument): expected report or off;"
                + " loopwatch is off", e.getMessage());
    }
}
