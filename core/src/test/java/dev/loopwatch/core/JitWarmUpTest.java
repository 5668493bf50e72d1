package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitWarmUpTest {
    @Test
    void cutShortEndsAWaitInProgressAndLaterOnes() throws Exception {
        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return JitWarmUp.awaitSettled();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "the wait lasts at least " + JitWarmUp.MIN_MILLIS + " ms unless cut short");
        JitWarmUp.cutShort();
        long waited = waiting.get(JitWarmUp.MIN_MILLIS - 500, TimeUnit.MILLISECONDS);
        assertTrue(waited < JitWarmUp.MIN_MILLIS, "waited " + waited + " ms");
        assertTrue(JitWarmUp.awaitSettled() < JitWarmUp.MIN_MILLIS, "a later wait returns at once");
    }
}
