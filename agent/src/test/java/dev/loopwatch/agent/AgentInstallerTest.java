package dev.loopwatch.agent;

import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentInstallerTest {
    private static LoopWatchConfig config(String args) throws Exception {
        return ConfigParser.parse(args, new Properties(), Map.of());
    }

    @Test
    void theBlockingLineWaitsForTheJitOnlyUnderJavaagentAndOnlyWhenAskedTo() throws Exception {
        assertTrue(AgentInstaller.defersBlocking(false, config(null)), "-javaagent, defaults");
        assertFalse(AgentInstaller.defersBlocking(false, config("blocking.start=now")), "-javaagent, now");
        assertFalse(AgentInstaller.defersBlocking(true, config(null)), "attached late");
        assertFalse(AgentInstaller.defersBlocking(false, config("blocking=off")), "no blocking line at all");
    }
}
