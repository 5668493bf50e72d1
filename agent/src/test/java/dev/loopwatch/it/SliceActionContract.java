package dev.loopwatch.it;

import com.acme.work.Crunch;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * action=slice on a real server in a forked JVM with one loop thread (Netty {@link SliceServer}, Vert.x
 * {@code SliceFixture}): a long CPU request on one connection is sliced, and requests on other connections are
 * served between its slices; each hazard of suspending a task is answered (the interleaved request probes it); on
 * JDK 17 the option falls back to log with one line. The work is {@link Crunch} ({@code abort.include=com.acme.work.}).
 */
abstract class SliceActionContract extends SharedServerContract {
    /** The long request's length: the 300 ms CPU task. */
    private static final long LONG_MS = 300;
    private static final boolean CONTINUATIONS = Runtime.version().feature() >= 21;
    private final Supplier<ForkedServer.Builder> builder;
    /** Crunch rounds that take {@link #LONG_MS} on the server (measured). */
    private long rounds;
    private final HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SliceActionContract(Supplier<ForkedServer.Builder> builder) {
        this.builder = builder;
    }

    @Override
    ForkedServer start() throws Exception {
        return builder.get()
                .agentArgs("threshold=2s,action=slice,slice=5ms,abort.include=com.acme.work.,blocking=off")
                .start();
    }

    @Override
    void prepare() throws Exception {
        server.warmUp();
        if (CONTINUATIONS) {
            long best = Long.MAX_VALUE;
            long probe = 20_000_000L;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                server.get("/crunch?n=" + probe);
                best = Math.min(best, System.nanoTime() - start);
            }
            rounds = Math.max(probe, probe * TimeUnit.MILLISECONDS.toNanos(LONG_MS) / best);
        }
    }

    @Test
    void longCpuRequestIsSlicedReturnsItsResultAndFastRequestsOnTheSameLoopKeepCompleting() throws Exception {
        assumeTrue(CONTINUATIONS, "needs JDK 21+");
        long slicesBefore = server.status().get("slices").asLong();
        String loop = server.get("/thread");
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> crunch = async("/crunch?n=" + rounds);
        List<Long> fastMicros = new ArrayList<>();
        while (!crunch.isDone()) {
            long t = System.nanoTime();
            assertEquals("ok", server.get("/fast"));
            fastMicros.add((System.nanoTime() - t) / 1000);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        HttpResponse<String> answer = crunch.get();
        assertEquals(200, answer.statusCode());
        assertEquals(Long.toString(Crunch.crunch(rounds)), answer.body(), "the sliced task's result");
        assertEquals(loop, server.get("/thread"), "one loop serves every connection");
        long slices = server.status().get("slices").asLong() - slicesBefore;
        Collections.sort(fastMicros);
        String seen = "the long request took " + tookMs + " ms, " + slices + " slices; /fast meanwhile (us): " + fastMicros;
        assertTrue(slices >= 10, seen);
        // Unsliced, the loop serves nothing else for the whole long request: one /fast in it, waiting ~300 ms.
        assertTrue(fastMicros.size() >= 10, seen);
        assertTrue(fastMicros.get(fastMicros.size() * 9 / 10) < 100_000, seen);
    }

    /** Hazard 1: a monitor held across a yield would block the loop for ever when an interleaved task enters it. */
    @Test
    void aTaskHoldingAMonitorIsNotSuspendedSoAnInterleavedTaskEnteringItDoesNotDeadlockTheLoop() throws Exception {
        assumeTrue(CONTINUATIONS, "needs JDK 21+");
        long before = fallbacks("monitor");
        CompletableFuture<HttpResponse<String>> holder = async("/monitor?n=" + rounds);
        Thread.sleep(50);
        assertEquals("entered", server.get("/monitor-enter"));
        assertEquals(Long.toString(Crunch.crunch(rounds)), holder.get(20, TimeUnit.SECONDS).body());
        assertTrue(fallbacks("monitor") > before, server.status().toString());
        assertTrue(server.stderr().contains("monitor held"), server.stderr());
    }

    /** Hazard 2: a lock owned by the loop thread across a yield would let an interleaved tryLock() in. */
    @Test
    void aTaskOwningALockIsNotSuspendedSoAnInterleavedTryLockNeverGetsIntoItsCriticalSection() throws Exception {
        assumeTrue(CONTINUATIONS, "needs JDK 21+");
        long before = fallbacks("lock");
        CompletableFuture<HttpResponse<String>> owner = async("/lock?n=" + rounds);
        Thread.sleep(50);
        assertEquals("got it", server.get("/trylock"));
        assertEquals(Long.toString(Crunch.crunch(rounds)), owner.get(20, TimeUnit.SECONDS).body());
        assertTrue(fallbacks("lock") > before, server.status().toString());
    }

    /** Hazard 3: a ThreadLocal (an MDC) set before a yield would be seen by interleaved tasks. */
    @Test
    void aTaskThatSetAThreadLocalIsNotSuspendedSoItsValueNeverLeaksToAnInterleavedTask() throws Exception {
        assumeTrue(CONTINUATIONS, "needs JDK 21+");
        long before = fallbacks("thread-local");
        CompletableFuture<HttpResponse<String>> setter = async("/local?n=" + rounds);
        Thread.sleep(50);
        assertEquals("null", server.get("/local-read"));
        assertEquals("request-A " + Crunch.crunch(rounds), setter.get(20, TimeUnit.SECONDS).body());
        assertTrue(fallbacks("thread-local") > before, server.status().toString());
    }

    /**
     * Hazard 4: while a channel's request is suspended, the next request on the same connection waits for it (its
     * bytes are there, but the channel's events are held back): the answers come in order, the sliced one first.
     */
    @Test
    void theNextRequestOnTheSameConnectionWaitsForTheSuspendedOne() throws Exception {
        assumeTrue(CONTINUATIONS, "needs JDK 21+");
        long slicesBefore = server.status().get("slices").asLong();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /crunch?n=" + rounds + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(50); // the first request is being sliced now
            out.write("GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Meanwhile another connection is served: the loop is not held, only that channel.
            assertEquals("ok", server.get("/fast"));
            InputStream in = socket.getInputStream();
            assertEquals(Long.toString(Crunch.crunch(rounds)), readBody(in), "the first answer is the first request's");
            assertEquals("ok", readBody(in), "the second answer is the second request's");
        }
        assertTrue(server.status().get("slices").asLong() - slicesBefore >= 10, "the first request was sliced");
    }

    @Test
    void onJdk17TheOptionFallsBackToLogWithOneLine() throws Exception {
        assumeTrue(!CONTINUATIONS, "JDK 17 only");
        String stderr = server.stderr();
        List<String> lines = stderr.lines().filter(l -> l.contains("action=slice")).toList();
        assertEquals(List.of("loopwatch: action=slice needs JDK 21 or later (this is JDK " + Runtime.version().feature()
                + "): slicing is not available, action=log is used"), lines, stderr);
        JsonNode status = server.status();
        assertEquals(0, status.get("slices").asLong());
        assertFalse(status.get("instrumentations").has("slice-netty"), status.toString());
        assertFalse(status.get("instrumentations").has("abort"), "no checks under log: " + status);
        // log's behaviour: a long request is a stall, reported.
        long stalls = status.get("stalls").asLong();
        server.get("/crunch?n=3000000000");
        assertTrue(server.status().get("stalls").asLong() > stalls, server.stderr());
    }

    private CompletableFuture<HttpResponse<String>> async(String path) {
        return other.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long fallbacks(String reason) throws IOException, InterruptedException {
        return server.status().get("sliceFallbacks").path(reason).asLong();
    }

    /** The body of the next HTTP/1.1 answer on {@code in} (it has a Content-Length). */
    private static String readBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the head: " + head);
            }
            head.append((char) c);
        }
        int length = -1;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("no content-length: " + head);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
