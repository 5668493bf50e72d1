package dev.loopwatch.core.blocking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowListTest {
    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, null, 1);
    }

    @Test
    void methodClassAndBuiltInEntriesMatch() {
        AllowList allow = AllowList.of(List.of("com.acme.Cache#load", "com.acme.Config"));
        assertTrue(allow.allows(frame("com.acme.Cache", "load")));
        assertFalse(allow.allows(frame("com.acme.Cache", "store")));
        assertFalse(allow.allows(frame("com.acme.CacheX", "load")));
        assertTrue(allow.allows(frame("com.acme.Config", "anything")));
        assertTrue(allow.allows(frame("java.lang.ClassLoader", "loadClass")));
        assertTrue(allow.allows(frame("dev.loopwatch.core.Reporter", "run")));
        assertFalse(allow.allows(frame("dev.loopwatch.it.Fixture", "run")), "loopwatch's own packages only");
        assertTrue(allow.allows(frame("com.acme.Anything", "<clinit>")), "static initialisers run once");
        assertTrue(allow.allows(new StackTraceElement[] {frame("java.lang.Thread", "sleep"), frame("com.acme.Cache", "load")}));
        assertFalse(allow.allows(new StackTraceElement[] {frame("java.lang.Thread", "sleep"), frame("com.acme.Web", "get")}));
    }
}
