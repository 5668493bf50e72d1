package dev.loopwatch.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which allow entries get advice: the JDK selectors must not (they run several times per loop iteration). */
class BlockingInstallerTest {

    @Test
    void selectorsAndPackagePrefixesGetNoAdviceButOtherEntriesDo() {
        List<String> advised = BlockingInstaller.advisedAllowEntries(List.of("com.acme.Cache#load", "com.acme.Legacy"), false);
        assertFalse(advised.contains("sun.nio.ch.SelectorImpl"), advised.toString());
        assertFalse(advised.contains("sun.nio.ch.EPollSelectorImpl"), advised.toString());
        assertTrue(advised.stream().noneMatch(e -> e.endsWith(".")), advised.toString());
        assertTrue(advised.contains("java.lang.ClassLoader#loadClass"), advised.toString());
        assertTrue(advised.contains("io.vertx.core.impl.ExecuteBlocking#executeBlocking"), advised.toString());
        assertTrue(advised.containsAll(List.of("com.acme.Cache#load", "com.acme.Legacy")), advised.toString());
    }

    /** SingleThreadEventExecutor, the class every Netty loop runs in, is advised only where executors are watched. */
    @Test
    void nettyExecutorEntriesGetAdviceOnlyWithExecutorsOn() {
        String takeTask = "io.netty.util.concurrent.SingleThreadEventExecutor#takeTask";
        String confirmShutdown = "io.netty.util.concurrent.SingleThreadEventExecutor#confirmShutdown";
        List<String> off = BlockingInstaller.advisedAllowEntries(List.of(), false);
        assertTrue(off.stream().noneMatch(e -> e.startsWith("io.netty.util.concurrent.SingleThreadEventExecutor")), off.toString());
        assertTrue(off.contains("io.netty.util.concurrent.GlobalEventExecutor#takeTask"), off.toString());
        List<String> on = BlockingInstaller.advisedAllowEntries(List.of(), true);
        assertTrue(on.containsAll(List.of(takeTask, confirmShutdown)), on.toString());
        assertTrue(BlockingInstaller.advisedAllowEntries(List.of(takeTask), false).contains(takeTask), "a user's own entry is advised");
    }
}
