package dev.loopwatch.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which allow entries get advice: the JDK selectors must not (they run several times per loop iteration). */
class BlockingInstallerTest {

    @Test
    void selectorsAndPackagePrefixesGetNoAdviceButOtherEntriesDo() {
        List<String> advised = BlockingInstaller.advisedAllowEntries(List.of("com.acme.Cache#load", "com.acme.Legacy"));
        assertFalse(advised.contains("sun.nio.ch.SelectorImpl"), advised.toString());
        assertFalse(advised.contains("sun.nio.ch.EPollSelectorImpl"), advised.toString());
        assertTrue(advised.stream().noneMatch(e -> e.endsWith(".")), advised.toString());
        assertTrue(advised.contains("java.lang.ClassLoader#loadClass"), advised.toString());
        assertTrue(advised.contains("io.vertx.core.impl.ExecuteBlocking#executeBlocking"), advised.toString());
        assertTrue(advised.containsAll(List.of("com.acme.Cache#load", "com.acme.Legacy")), advised.toString());
    }
}
