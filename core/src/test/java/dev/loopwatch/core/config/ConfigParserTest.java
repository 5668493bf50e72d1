package dev.loopwatch.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {
    private static LoopWatchConfig parse(String args) throws ConfigException {
        return ConfigParser.parse(args, new Properties(), Map.of());
    }

    @Test
    void defaults() throws Exception {
        LoopWatchConfig c = parse(null);
        assertEquals(100_000_000L, c.thresholdNanos());
        assertEquals(10_000_000L, c.tickNanos(), "a tenth of the threshold");
        assertNull(c.reportFile());
        assertTrue(c.log());
        assertEquals(LoopWatchConfig.DEFAULT_EXCLUDES, c.excludes());
        assertEquals(64, c.stackDepth());
    }

    @Test
    void agentArgumentsWithAListThatContinuesAfterCommas() throws Exception {
        LoopWatchConfig c = parse("threshold=50ms,exclude=com.acme.fw.,org.lib.,report=/tmp/r.jsonl,log=off");
        assertEquals(50_000_000L, c.thresholdNanos());
        assertTrue(c.excludes().containsAll(List.of("com.acme.fw.", "org.lib.", "io.netty.")));
        assertEquals(Path.of("/tmp/r.jsonl"), c.reportFile());
        assertFalse(c.log());
    }

    @Test
    void agentArgumentBeatsSystemPropertyBeatsEnvironment() throws Exception {
        Properties props = new Properties();
        props.setProperty("loopwatch.threshold", "20ms");
        props.setProperty("loopwatch.stack.depth", "10");
        Map<String, String> env = Map.of("LOOPWATCH_THRESHOLD", "30ms", "LOOPWATCH_STACK_DEPTH", "12",
                "LOOPWATCH_TICK", "2ms", "PATH", "/bin");
        LoopWatchConfig c = ConfigParser.parse("threshold=10ms", props, env);
        assertEquals(10_000_000L, c.thresholdNanos());
        assertEquals(10, c.stackDepth());
        assertEquals(2_000_000L, c.tickNanos());
    }

    @Test
    void theTickFollowsTheThresholdUnlessGiven() throws Exception {
        assertEquals(5_000_000L, parse("threshold=50ms").tickNanos());
        assertEquals(1_000_000L, parse("threshold=5ms").tickNanos(), "at least 1 ms");
        assertEquals(1_000_000L, parse("threshold=50ms,tick=1ms").tickNanos());
    }

    @Test
    void excludeDefaultsOffKeepsOnlyTheUsersList() throws Exception {
        assertEquals(List.of("com.acme."), parse("exclude.defaults=off,exclude=com.acme.").excludes());
    }

    @Test
    void unknownKeyNamesItAndTheValidOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("treshold=5ms"));
        assertEquals("loopwatch: unknown option 'treshold' (agent argument); valid options: threshold, report, "
                + "exclude, exclude.defaults, log, tick, stack.depth, schedulers, executors, action, abort.include, "
                + "slice, blocking, allow, meters, lag, task.histogram; loopwatch is off", e.getMessage());
    }

    @Test
    void badValuesNameTheOptionTheSourceAndTheValidChoices() {
        assertEquals("loopwatch: bad value '5 parsecs' for option threshold (agent argument): expected a duration "
                + "like 500us, 50ms, 2s or 1m (units: ns, us, ms, s, m); loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("threshold=5 parsecs")).getMessage());
        Properties props = new Properties();
        props.setProperty("loopwatch.log", "loud");
        assertEquals("loopwatch: bad value 'loud' for option log (system property loopwatch.log): expected on or off;"
                + " loopwatch is off", assertThrows(ConfigException.class,
                        () -> ConfigParser.parse(null, props, Map.of())).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> parse("stack.depth=0")).getMessage()
                .contains("expected a whole number from 1 to 1024"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("tick=20ms,threshold=10ms")).getMessage()
                .contains("option tick"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("exclude=com.acme;rm")).getMessage()
                .contains("option exclude"));
    }

    @Test
    void unknownEnvironmentVariableIsNamedButDoesNotSwitchLoopwatchOff() throws Exception {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        LoopWatchConfig c = ConfigParser.parse(null, new Properties(),
                Map.of("LOOPWATCH_TRESHOLD", "1", "LOOPWATCH_THRESHOLD", "20ms"), warnings::add);
        assertEquals(20_000_000L, c.thresholdNanos());
        assertEquals(List.of("loopwatch: ignoring unknown environment variable LOOPWATCH_TRESHOLD; "
                + "valid options: " + Option.validKeys()), warnings);
    }

    /**
     * Surefire hands a build's {@code -Dloopwatch.version=...} to the test JVM: a property the surroundings set is
     * named once and never switches loopwatch off; the JUnit extension's own properties are not even named.
     */
    @Test
    void unknownSystemPropertyOfOursIsNamedButDoesNotSwitchLoopwatchOff() throws Exception {
        Properties props = new Properties();
        props.setProperty("loopwatch.version", "0.1.0-SNAPSHOT");
        props.setProperty("loopwatch.agent.jar", "/opt/loopwatch-agent.jar");
        props.setProperty("loopwatch.enabled", "true");
        props.setProperty("loopwatch.threshold", "20ms");
        List<String> warnings = new ArrayList<>();
        LoopWatchConfig c = ConfigParser.parse(null, props, Map.of(), warnings::add);
        assertEquals(20_000_000L, c.thresholdNanos());
        assertEquals(List.of("loopwatch: unknown option 'loopwatch.version' (system property); valid options: "
                + Option.validKeys() + "; ignored"), warnings);
    }

    @Test
    void aBadValueOfAKnownSystemPropertyStillSwitchesLoopwatchOff() {
        Properties props = new Properties();
        props.setProperty("loopwatch.threshold", "banana");
        assertThrows(ConfigException.class, () -> ConfigParser.parse(null, props, Map.of()));
    }

    @Test
    void anOptionGivenTwiceInTheAgentArgumentsIsAnError() {
        assertEquals("loopwatch: option threshold given twice in the agent arguments ('50ms' and '60ms'): give it once;"
                + " loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("threshold=50ms,threshold=60ms")).getMessage());
        assertThrows(ConfigException.class, () -> parse("exclude=a.,b.,log=on,exclude=c."));
    }

    @Test
    void aListOptionContinuesOverBareItemsWithoutCountingAsTwice() throws Exception {
        assertTrue(parse("exclude=com.a.,com.b.,log=on").excludes().containsAll(List.of("com.a.", "com.b.")));
    }

    @Test
    void everyMessageIsOneLine() {
        for (String bad : new String[] {"x=1", "threshold=", "threshold", "log=2", "stack.depth=x", "action=kill",
                "action=abort", "action=abort,abort.include=io.", "abort.include=com.acme."}) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** The option that delayed blocking-call detection is gone: whoever still gives it is told why, in one line. */
    @Test
    void theRemovedBlockingStartOptionSaysSo() {
        assertEquals("loopwatch: option 'blocking.start' (agent argument) no longer exists: blocking calls are reported"
                + " from the first task on; remove it; loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("blocking.start=now")).getMessage());
        Properties properties = new Properties();
        properties.setProperty("loopwatch.blocking.start", "now");
        List<String> warnings = new ArrayList<>();
        assertDoesNotThrow(() -> ConfigParser.parse(null, properties, Map.of(), warnings::add));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("loopwatch: option 'loopwatch.blocking.start' (system property) no "
                + "longer exists"), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("; ignored"), warnings.get(0));
    }

    @Test
    void lagIsAnIntervalOrOff() throws Exception {
        assertEquals(100_000_000L, parse(null).lagNanos());
        assertEquals(10_000_000L, parse("lag=10ms").lagNanos());
        assertEquals(0L, parse("lag=off").lagNanos());
        assertEquals("loopwatch: bad value '500us' for option lag (agent argument): expected off or a duration of at least"
                + " 1ms; loopwatch is off", assertThrows(ConfigException.class, () -> parse("lag=500us")).getMessage());
    }

    @Test
    void taskHistogramIsSampledUnlessExactFromAnySource() throws Exception {
        assertFalse(parse(null).exactTaskHistogram());
        assertFalse(parse("task.histogram=sampled").exactTaskHistogram());
        assertTrue(parse("task.histogram=exact").exactTaskHistogram());
        Properties props = new Properties();
        props.setProperty("loopwatch.task.histogram", "exact");
        assertTrue(ConfigParser.parse(null, props, Map.of()).exactTaskHistogram());
        assertTrue(ConfigParser.parse(null, new Properties(), Map.of("LOOPWATCH_TASK_HISTOGRAM", "EXACT"))
                .exactTaskHistogram());
        assertFalse(ConfigParser.parse("task.histogram=sampled", props, Map.of()).exactTaskHistogram(),
                "the agent argument wins");
        assertEquals("loopwatch: bad value 'all' for option task.histogram (agent argument): expected sampled or exact;"
                + " loopwatch is off", assertThrows(ConfigException.class, () -> parse("task.histogram=all")).getMessage());
        assertEquals("loopwatch: bad value 'on' for option task.histogram (system property loopwatch.task.histogram):"
                + " expected sampled or exact; loopwatch is off", assertThrows(ConfigException.class, () -> {
                    Properties on = new Properties();
                    on.setProperty("loopwatch.task.histogram", "on");
                    ConfigParser.parse(null, on, Map.of());
                }).getMessage());
    }

    @Test
    void actionDefaultsToLog() throws Exception {
        assertEquals(Action.LOG, parse(null).action());
        assertEquals(List.of(), parse(null).abortIncludes());
        assertEquals(Action.INTERRUPT, parse("action=interrupt").action());
    }

    @Test
    void abortNeedsApplicationPrefixesAndTakesAList() throws Exception {
        LoopWatchConfig c = parse("action=abort,abort.include=com.acme.,org.shop.web.,threshold=50ms");
        assertEquals(Action.ABORT, c.action());
        assertEquals(List.of("com.acme.", "org.shop.web."), c.abortIncludes());
        assertTrue(c.abortable("com.acme.Parser"));
        assertTrue(c.abortable("org.shop.web.Cart$1"));
        assertFalse(c.abortable("org.shop.Other"));
        assertFalse(c.abortable("io.netty.channel.Foo"));
        assertEquals("loopwatch: option action=abort needs abort.include, the class-name prefixes of application code "
                + "to check (e.g. abort.include=com.acme.); loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("action=abort")).getMessage());
    }

    @Test
    void abortIncludeRefusesTheJdkFrameworksAndLoopwatchAndWhatContainsThem() {
        for (String bad : new String[] {"java.", "java.util.", "io.netty.", "io.", "io.vertx.core.", "reactor.",
                "com.", "com.sun.", "dev.loopwatch.", "dev.loopwatch.core.", "jdk.internal.", "sun.", "j"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse("action=abort,abort.include=com.acme.," + bad), bad);
            assertTrue(e.getMessage().startsWith("loopwatch: bad value '" + bad + "' for option abort.include (agent argument): "
                    + "it takes in "), e.getMessage());
        }
    }

    @Test
    void abortIncludeWithoutActionAbortIsAnError() {
        assertTrue(assertThrows(ConfigException.class, () -> parse("action=interrupt,abort.include=com.acme."))
                .getMessage().contains("only used with action=abort or slice (action is interrupt)"));
        assertEquals("loopwatch: bad value 'kill' for option action (agent argument): expected log, interrupt, abort or slice; "
                + "loopwatch is off", assertThrows(ConfigException.class, () -> parse("action=kill")).getMessage());
    }

    @Test
    void sliceTakesAbortIncludeAndASliceUnderTheThresholdAndTicksFiveTimesASlice() throws Exception {
        LoopWatchConfig c = parse("action=slice,abort.include=com.acme.");
        assertEquals(Action.SLICE, c.action());
        assertEquals(5_000_000L, c.sliceNanos());
        assertEquals(1_000_000L, c.tickNanos(), "a slice of 5ms: a tick of 1ms (threshold 100ms alone gives 10ms)");
        assertTrue(c.abortable("com.acme.Parser"));
        assertEquals(20_000_000L, parse("action=slice,slice=20ms,abort.include=com.acme.").sliceNanos());
        assertEquals(4_000_000L, parse("action=slice,slice=20ms,abort.include=com.acme.").tickNanos());
        assertEquals(10_000_000L, parse("action=log").tickNanos(), "other actions keep their tick");
        assertEquals("loopwatch: option action=slice needs abort.include, the class-name prefixes of application code "
                + "to check (e.g. abort.include=com.acme.); loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("action=slice")).getMessage());
        assertEquals("loopwatch: bad value '100ms' for option slice (agent argument): expected a duration from 1ms to less"
                + " than threshold (100 ms); loopwatch is off",
                assertThrows(ConfigException.class, () -> parse("action=slice,slice=100ms,abort.include=com.acme."))
                        .getMessage());
        assertEquals(Action.LOG, c.withAction(Action.LOG).action());
        assertEquals(java.util.List.of(), c.withAction(Action.LOG).abortIncludes());
    }
}
