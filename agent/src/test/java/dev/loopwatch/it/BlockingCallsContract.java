package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Blocking calls made on a real Netty loop, under the shaded agent in a forked JVM (on the JDK the tests run
 * on: 17 and 25): each kind is reported once with its call and culprit, however short; the same calls on an
 * ordinary thread or inside an allow-listed method are not. (A busy service, 10 000 fast requests, is
 * checked for no report of any kind by {@link NettyAgentContract}, where blocking calls are on by default.)
 */
abstract class BlockingCallsContract extends SharedServerContract {
    static final String BLOCKER = Blocker.class.getName() + ".";
    static final String HANDLER = FixtureServer.class.getName() + "$Handler";
    static final List<String> KINDS = List.of("sleep", "timeunit", "wait", "park", "lock", "future", "latch", "fileRead",
            "fileWrite", "raf", "fileChannel", "files", "filesWrite", "socket", "accept", "datagram", "socketChannel",
            "dns", "dnsLiteral", "localhost", "process", "monitor");
    /** Calls beyond a loop's stack budget are reported within a second (the drain's flush). */
    static final double WAIT_SECONDS = 15;

    private final String line;
    private final String transport;
    private final Class<?> mainClass;
    private final String taskPrefix;

    BlockingCallsContract(String line, String transport) {
        this(line, transport, FixtureServer.class, "I/O " + HANDLER + ".channelRead0");
    }

    /**
     * @param mainClass  the fixture to fork
     * @param taskPrefix how the task of a handler's blocking call starts
     */
    BlockingCallsContract(String line, String transport, Class<?> mainClass, String taskPrefix) {
        this.line = line;
        this.transport = transport;
        this.mainClass = mainClass;
        this.taskPrefix = taskPrefix;
    }

    @Override
    ForkedServer start() throws Exception {
        // A long threshold: the stall reports are not what is tested here.
        return serverOn(line, transport).mainClass(mainClass)
                .agentArgs("threshold=10s,tick=10ms,allow=" + Blocker.class.getName() + "$Allowed#run").start();
    }

    @Override
    void prepare() throws Exception {
        server.warmUp();
        // First uses load and initialise classes; do them once off the loops.
        for (String kind : KINDS) {
            server.get("/block-plain?kind=" + kind + "&ms=1");
        }
    }

    /** Where the fixture runs: the jars of {@code target/it-libs/<line>}. */
    ForkedServer.Builder serverOn(String line, String transport) {
        return ForkedServer.on(line, transport);
    }

    @AfterEach
    @Override
    void agentHadNoError() throws Exception {
        super.agentHadNoError();
        assertFalse(server.stderr().contains("canary"), server.stderr());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "sleep,         java.lang.Thread.sleep,                            sleep",
            "timeunit,      java.util.concurrent.TimeUnit.sleep,               timeUnitSleep",
            "wait,          java.lang.Object.wait,                             objectWait",
            "waitNanos,     java.lang.Object.wait,                             objectWaitNanos",
            "waitNotified,  java.lang.Object.wait,                             objectWaitNotified",
            "join,          java.lang.Thread.join,                             join",
            "park,          java.util.concurrent.locks.LockSupport.parkNanos,  park",
            "lock,          java.util.concurrent.locks.LockSupport.park,       lock",
            "future,        java.util.concurrent.locks.LockSupport.park,       future",
            "latch,         java.util.concurrent.locks.LockSupport.park,       latch",
            "fileRead,      java.io.FileInputStream.read,                      fileRead",
            "fileWrite,     java.io.FileOutputStream.write,                    fileWrite",
            "raf,           java.io.RandomAccessFile.read,                     randomAccessFile",
            "fileChannel,   java.nio.channels.FileChannel.read,                fileChannel",
            "files,         java.nio.file.Files.readAllBytes,                  files",
            "filesWrite,    java.nio.file.Files.write,                         filesWrite",
            "socket,        java.net.Socket.connect,                           socket",
            "socket,        java.net.Socket.read,                              socket",
            "accept,        java.net.ServerSocket.accept,                      accept",
            "datagram,      java.net.DatagramSocket.receive,                   datagram",
            "socketChannel, java.nio.channels.SocketChannel.read,              socketChannel",
            "socketChannel, java.nio.channels.SocketChannel.connect,           socketChannel",
            "socketChannel, java.nio.channels.SocketChannel.write,             socketChannel",
            "dns,           java.net.InetAddress.getByName,                    dns",
            "localhost,     java.net.InetAddress.getLocalHost,                 localHost",
            "process,       java.lang.Process.waitFor,                         process",
            "monitor,       synchronized (java.lang.Object),                   monitor",
    })
    void blockingCallOnTheLoopIsReported(String kind, String call, String culpritMethod) throws Exception {
        int before = server.reports().size();
        // A contended monitor is seen by the watchdog's ticks (10 ms here): the helper holds it for ten of them, so that
        // a watchdog kept off the CPU for a while on a busy machine still sees it.
        long ms = kind.equals("monitor") ? 100 : 3;
        assertEquals(kind, server.get("/block?kind=" + kind + "&ms=" + ms));
        String culprit = BLOCKER + culpritMethod + "(";
        List<JsonNode> found = server.awaitReports(before,
                r -> isBlocking(r) && sameCall(r.get("call").asText(), call) && r.get("culprit").asText().startsWith(culprit),
                1, WAIT_SECONDS);
        // At least one: a late report of the previous request (the same kind, another call of it) may be counted too.
        assertFalse(found.isEmpty(), "a report of " + call + " at " + culprit + ": " + after(before));
        JsonNode r = found.get(0);
        assertTrue(r.get("thread").asText().toLowerCase(java.util.Locale.ROOT).contains("eventloop"), r.toString());
        assertTrue(r.get("task").asText().startsWith(taskPrefix), r.toString());
        assertTrue(r.get("durationMs").asDouble() > 0, r.toString());
        assertTrue(r.get("count").asLong() >= 1, r.toString());
        assertTrue(r.get("stack").size() >= 2, r.toString());
    }

    @Test
    void sameCallsOnAnOrdinaryThreadAreNotReported() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        for (String kind : KINDS) {
            assertEquals(kind, server.get("/block-plain?kind=" + kind + "&ms=2"));
        }
        assertOnlySentinelAfter(before, since);
    }

    @Test
    void sameCallsInsideAnAllowListedMethodAreNotReported() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        for (String kind : KINDS) {
            assertEquals(kind, server.get("/block-allowed?kind=" + kind + "&ms=2"));
        }
        assertOnlySentinelAfter(before, since);
    }

    /**
     * Netty sleeps on a loop in a graceful shutdown's quiet period ({@code SingleThreadEventExecutor.confirmShutdown},
     * allow-listed): not reported, although that class gets no advice (matched on the stack, or on JDK 17 its call
     * site left as it is).
     */
    @Test
    void gracefulShutdownOfALoopIsNotReported() throws Exception {
        assumeTrue(mainClass == FixtureServer.class, "an endpoint of the Netty fixture");
        int before = server.reports().size();
        Instant since = Instant.now();
        assertEquals("shut", server.get("/loop-shutdown"));
        assertOnlySentinelAfter(before, since);
    }

    @Test
    void lookupOfALiteralAddressOnTheLoopIsNotReported() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        assertEquals("dnsLiteral", server.get("/block?kind=dnsLiteral"));
        assertOnlySentinelAfter(before, since);
    }

    @Test
    void idleServiceReportsNothing() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        Thread.sleep(2_000);
        assertEquals(List.of(), after(before, since));
    }

    @Test
    void busyServiceReportsNoBlockingCall() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        for (int i = 0; i < 10_000; i++) {
            assertEquals("ok", server.get("/fast"));
        }
        Thread.sleep(1_500); // the drain's flush of calls over the stack budget
        assertEquals(List.of(), after(before, since).stream().filter(BlockingCallsContract::isBlocking).collect(Collectors.toList()));
    }

    /**
     * Ends a negative test with a positive one: a sleep on the loop must be reported, and be the only report, so the
     * silence before it was not a dead agent.
     */
    private void assertOnlySentinelAfter(int before, Instant since) throws Exception {
        server.get("/block?kind=sleep&ms=3");
        Predicate<JsonNode> sentinel = r -> isBlocking(r) && r.get("culprit").asText().startsWith(BLOCKER + "sleep(");
        assertFalse(server.awaitReports(before, sentinel, 1, WAIT_SECONDS).isEmpty(), "sentinel: " + after(before));
        Thread.sleep(1_500); // the drain's flush of calls over the stack budget
        // The Netty fixture hands /block-plain to its pool on the loop: that hand-off may wait a moment for the pool
        // queue's lock, a real blocking call of the fixture's own, not one of the calls tested.
        Predicate<JsonNode> handOff = r -> r.get("stack").toString().contains("java.util.concurrent.ThreadPoolExecutor.execute(");
        List<JsonNode> others = after(before, since).stream().filter(sentinel.negate()).filter(handOff.negate())
                .collect(Collectors.toList());
        assertEquals(List.of(), others);
    }

    /**
     * A contended monitor is named with its class once the JDK's thread bean is ready, which the first wait of a JVM
     * starts making (see MonitorContention): that first one may be plain {@code synchronized}.
     */
    private static boolean sameCall(String reported, String expected) {
        return reported.equals(expected) || (expected.startsWith("synchronized (") && reported.equals("synchronized"));
    }

    private static boolean isBlocking(JsonNode r) {
        return r.get("type").asText().equals("blocking-call");
    }

    private List<JsonNode> after(int before) throws Exception {
        List<JsonNode> all = server.reports();
        return all.subList(before, all.size());
    }

    /** Reports written after the first {@code before}, of things that happened at or after {@code since}. */
    private List<JsonNode> after(int before, Instant since) throws Exception {
        return after(before).stream().filter(ForkedServer.madeSince(since)).collect(Collectors.toList());
    }
}
