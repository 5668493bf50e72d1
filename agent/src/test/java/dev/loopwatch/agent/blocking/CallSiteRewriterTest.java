package dev.loopwatch.agent.blocking;

import com.acme.rewrite.Sleepers;
import dev.loopwatch.core.blocking.AllowList;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call-site rewrite, on class files, whatever JDK runs the test. */
class CallSiteRewriterTest {
    static final List<JdkBlockingTable.Substitute> SLEEP_AND_WAIT = List.of(
            new JdkBlockingTable.Substitute("java.lang.Thread.sleep", "java/lang/Thread", "sleep", "(J)V"),
            new JdkBlockingTable.Substitute("java.lang.Object.wait", "java/lang/Object", "wait", "(J)V"));
    static final CallSiteRewriter BOTH = new CallSiteRewriter(SLEEP_AND_WAIT, AllowList.of(List.of()));
    /** What this JDK's table asks for. */
    static final CallSiteRewriter THIS_JDK = new CallSiteRewriter(JdkBlockingTable.substitutes(), AllowList.of(List.of()));

    static class Sleeps {
        void run() throws InterruptedException {
            Thread.sleep(1);
            synchronized (this) {
                wait(1);
            }
        }
    }

    static class AllWaits {
        synchronized void run() throws InterruptedException {
            wait();
            wait(1);
            wait(1, 1);
        }
    }

    static class Awaits {
        void run(java.util.concurrent.CountDownLatch latch) throws InterruptedException {
            latch.await();
        }
    }

    /** Names a "sleep" (its own method) but calls no substituted method: like Netty's Ticker or NioIoHandler. */
    static class NamesSleep {
        void sleep(long millis) {
        }

        void run() {
            sleep(1);
        }
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void sleepAndWaitCallsAreRedirectedToTheBridge() throws Exception {
        byte[] rewritten = BOTH.rewrite(bytes(Sleeps.class));
        assertNotNull(rewritten);
        String text = new String(rewritten, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("dev/loopwatch/bridge/Blocking"));
        assertTrue(text.contains("waitOn"));
    }

    /** Every Object.wait, on every JDK: java.lang.Object itself is never retransformed. */
    @Test
    void allThreeWaitsAreRedirectedOnThisJdk() throws Exception {
        byte[] rewritten = THIS_JDK.rewrite(bytes(AllWaits.class));
        assertNotNull(rewritten);
        String text = new String(rewritten, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("(Ljava/lang/Object;)V"), "wait()");
        assertTrue(text.contains("(Ljava/lang/Object;J)V"), "wait(long)");
        assertTrue(text.contains("(Ljava/lang/Object;JI)V"), "wait(long, int)");
        assertTrue(THIS_JDK.rewrite(rewritten) == null, "no Object.wait call left");
    }

    @Test
    void classesThatOnlyAwaitAreNotEvenParsed() throws Exception {
        assertFalse(BOTH.mentions(bytes(Awaits.class)), "'await' is not 'wait'");
        assertTrue(BOTH.mentions(bytes(Sleeps.class)));
        assertNull(BOTH.rewrite(bytes(Awaits.class)));
    }

    @Test
    void aClassThatOnlyNamesASleepIsParsedButLeftUnchanged() throws Exception {
        // The installer retransforms a loaded class only when rewrite() changes it: retransforming it unchanged
        // would still throw away the compiled code that inlined it.
        assertTrue(BOTH.mentions(bytes(NamesSleep.class)));
        assertNull(BOTH.rewrite(bytes(NamesSleep.class)));
    }

    /**
     * The rewritten class passes the verifier and runs, its calls going through the bridge's substitutes: the sleep
     * and the wait of {@code Sleeps.run} take as long as before.
     */
    @Test
    void aRewrittenClassVerifiesAndRuns() throws Exception {
        byte[] rewritten = BOTH.rewrite(bytes(Sleeps.class));
        Class<?> type = new ClassLoader(getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass(Sleeps.class.getName(), rewritten, 0, rewritten.length);
            }
        }.define();
        java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        Object sleeps = constructor.newInstance();
        java.lang.reflect.Method run = type.getDeclaredMethod("run");
        run.setAccessible(true);
        long start = System.nanoTime();
        run.invoke(sleeps);
        assertTrue(System.nanoTime() - start >= 2_000_000L, "slept 1 ms and waited 1 ms");
    }

    @Test
    void callSitesInAllowListedMethodsAreLeftAloneAndTheOthersRewritten() throws Exception {
        String both = Sleepers.Both.class.getName();
        assertNotNull(BOTH.rewrite(bytes(Sleepers.Both.class)), "nothing allowed: rewritten");
        CallSiteRewriter runAllowed = new CallSiteRewriter(SLEEP_AND_WAIT, AllowList.of(List.of(both + "#run")));
        assertNull(runAllowed.rewrite(bytes(Sleepers.Both.class)), "its only calls are in an allowed method: unchanged");
        CallSiteRewriter waitOnly = new CallSiteRewriter(List.of(SLEEP_AND_WAIT.get(1)), AllowList.of(List.of()));
        assertNull(waitOnly.rewrite(bytes(Sleepers.InShutdown.class)), "sleep is not rewritten");
        CallSiteRewriter classAllowed = new CallSiteRewriter(SLEEP_AND_WAIT, AllowList.of(List.of(both)));
        assertNull(classAllowed.rewrite(bytes(Sleepers.Both.class)), "the whole class allowed: unchanged");
        CallSiteRewriter otherAllowed = new CallSiteRewriter(SLEEP_AND_WAIT, AllowList.of(List.of(both + "#other")));
        assertNotNull(otherAllowed.rewrite(bytes(Sleepers.Both.class)), "another method allowed: rewritten");

        String inShutdown = Sleepers.InShutdown.class.getName();
        CallSiteRewriter shutdownAllowed = new CallSiteRewriter(SLEEP_AND_WAIT,
                AllowList.of(List.of(inShutdown + "#confirmShutdown")));
        assertNull(shutdownAllowed.rewrite(bytes(Sleepers.InShutdown.class)));
        assertNotNull(BOTH.rewrite(bytes(Sleepers.InShutdown.class)), "not allowed: rewritten");
    }

    /** The canary lives in loopwatch's own package, which is allow-listed: its calls must be rewritten all the same. */
    @Test
    void theCanaryIsRewrittenThoughItsPackageIsAllowed() throws Exception {
        assertTrue(AllowList.of(List.of()).allows(new StackTraceElement(Canary.class.getName(), "sleep", null, -1)));
        assertNotNull(BOTH.rewrite(bytes(Canary.class)));
    }

    @Test
    void scopeLeavesTheJdkAndLoopwatchAlone() {
        ClassLoader app = CallSiteRewriterTest.class.getClassLoader();
        assertTrue(CallSiteRewriter.inScope(app, "com/acme/Web"));
        assertTrue(CallSiteRewriter.inScope(app, "dev/loopwatch/it/Fixture"));
        assertFalse(CallSiteRewriter.inScope(null, "com/acme/Web"));
        assertFalse(CallSiteRewriter.inScope(app, "java/util/Timer"));
        assertFalse(CallSiteRewriter.inScope(app, "dev/loopwatch/core/Reporter"));
        assertTrue(CallSiteRewriter.inScope(null, CallSiteRewriter.CANARY));
    }

    @Test
    void tableKnowsWhichMethodsAreNativeHere() {
        boolean sleepNative = JdkBlockingTable.isNative(Thread.class, "sleep", long.class);
        assertTrue(sleepNative == (Runtime.version().feature() < 19), "Thread.sleep(long) native before JDK 19 only");
        assertTrue(JdkBlockingTable.substitutes().stream().anyMatch(s -> s.method().equals("sleep")) == sleepNative,
                "Thread.sleep(long) rewritten exactly where it is native");
        assertEquals(3, JdkBlockingTable.substitutes().stream().filter(s -> s.method().equals("wait")).count(),
                "the three Object.wait rewritten on every JDK");
    }
}
