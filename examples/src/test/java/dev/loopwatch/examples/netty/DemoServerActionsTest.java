package dev.loopwatch.examples.netty;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo service under loopwatch's actions (what {@code examples/actions.sh} shows), each in a JVM of its
 * own started with {@code -javaagent:} (the action is one per JVM), on the service's own class path (this
 * module's classes and Netty), driven over HTTP/1.1:
 * <ul>
 *   <li>{@code action=abort}: {@code /spin?ms=60000} answers 503 with the {@code TaskTimeoutException}'s message
 *       soon after the threshold, {@code /fast} is answered meanwhile from another connection, and the
 *       aborted request's connection serves the next request;</li>
 *   <li>{@code action=interrupt}: {@code /sleep?ms=60000} answers "interrupted after N ms", early.</li>
 * </ul>
 * The bounds are loose (a loaded 2-core CI machine); the measured times are printed.
 */
class DemoServerActionsTest {
    private static final int THRESHOLD_MS = 50;
    /** The abort answer's bound: the threshold plus a generous allowance for a loaded CI machine. */
    private static final long ABORT_BOUND_MS = 1_000;
    private static final long INTERRUPT_BOUND_MS = 5_000;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private static Forked abort;
    private static Forked interrupt;

    @BeforeAll
    static void start() throws Exception {
        // Both JVMs start at once; each is warmed up once it listens.
        abort = Forked.start("abort", "threshold=" + THRESHOLD_MS + "ms,action=abort,"
                + "abort.include=dev.loopwatch.examples.netty.DemoHandler");
        interrupt = Forked.start("interrupt", "threshold=" + THRESHOLD_MS + "ms,action=interrupt");
        abort.awaitListening();
        interrupt.awaitListening();
        abort.warmUp();
        interrupt.warmUp();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Forked server : new Forked[] {abort, interrupt}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void abortAnswersTheSpinWithAnErrorSoonAfterTheThresholdWhileFastKeepsAnswering() throws Exception {
        // Two clients, each with its connection set up (one after the other: on the two loops, in turn).
        HttpClient spinClient = Forked.client();
        HttpClient fastClient = Forked.client();
        assertEquals(200, abort.send(spinClient, "/fast").statusCode(), abort.log());
        assertEquals(200, abort.send(fastClient, "/fast").statusCode(), abort.log());

        long start = System.nanoTime();
        long[] answeredAt = new long[1];
        CompletableFuture<HttpResponse<String>> spin = spinClient.sendAsync(abort.request("/spin?ms=60000"),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> answeredAt[0] = System.nanoTime());
        // Meanwhile, on the other connection: GET /fast one after another, until the spin has its answer.
        List<String> fastFailures = new ArrayList<>();
        int fastSent = 0;
        int fastAnsweredFirst = 0;
        long fastSlowestMs = 0;
        do {
            long sent = System.nanoTime();
            fastSent++;
            HttpResponse<String> fast = abort.send(fastClient, "/fast");
            long tookMs = millisSince(sent);
            fastSlowestMs = Math.max(fastSlowestMs, tookMs);
            if (!spin.isDone()) {
                fastAnsweredFirst++;
            }
            if (fast.statusCode() != 200 || tookMs >= ABORT_BOUND_MS) {
                fastFailures.add(fast.statusCode() + " after " + tookMs + " ms: " + fast.body().strip());
            }
        } while (!spin.isDone() && System.nanoTime() - start < ANSWER_TIMEOUT.toNanos());

        HttpResponse<String> aborted = spin.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long abortMs = TimeUnit.NANOSECONDS.toMillis(answeredAt[0] - start);
        System.out.printf("action=abort: GET /spin?ms=60000 answered %d after %d ms (threshold %d ms): %s"
                        + "; meanwhile %d x GET /fast (%d answered before it), slowest %d ms%n",
                aborted.statusCode(), abortMs, THRESHOLD_MS, aborted.body().strip(), fastSent, fastAnsweredFirst,
                fastSlowestMs);

        assertEquals(503, aborted.statusCode(), aborted.body() + abort.log());
        assertTrue(aborted.body().startsWith("dev.loopwatch.TaskTimeoutException: loopwatch aborted a task on loop thread demo-io-"),
                aborted.body());
        assertTrue(aborted.body().contains("over the threshold of " + THRESHOLD_MS + ".0 ms"), aborted.body());
        assertTrue(abortMs < ABORT_BOUND_MS, "answered after " + abortMs + " ms" + abort.log());
        // Sent while the spin had no answer (the first one at least), each answered 200 within the bound.
        assertTrue(fastFailures.isEmpty(), "GET /fast during the spin: " + fastFailures + abort.log());
        assertFalse(aborted.headers().firstValue("connection").orElse("").equalsIgnoreCase("close"),
                "the aborted request's connection stays open: " + aborted.headers().map());

        // The next requests over the same client (its kept-alive connection, on the loop that was aborted).
        HttpResponse<String> next = abort.send(spinClient, "/fast");
        assertEquals(200, next.statusCode(), next.body() + abort.log());
        assertEquals("fast\n", next.body());
        HttpResponse<String> shortSpin = abort.send(spinClient, "/spin?ms=5"); // under the threshold: not aborted
        assertEquals(200, shortSpin.statusCode(), shortSpin.body() + abort.log());
        assertTrue(shortSpin.body().startsWith("spun "), shortSpin.body());

        // loopwatch's own account: an abort report whose culprit is the spinning loop.
        abort.awaitReport("\"type\":\"abort\"", "\"culprit\":\"dev.loopwatch.examples.netty.DemoHandler.spinOnEventLoop(");
    }

    @Test
    void interruptEndsTheSleepEarly() throws Exception {
        HttpClient client = Forked.client();
        long start = System.nanoTime();
        HttpResponse<String> slept = interrupt.send(client, "/sleep?ms=60000");
        long sleepMs = millisSince(start);
        System.out.printf("action=interrupt: GET /sleep?ms=60000 answered %d after %d ms (threshold %d ms): %s%n",
                slept.statusCode(), sleepMs, THRESHOLD_MS, slept.body().strip());

        assertEquals(200, slept.statusCode(), slept.body() + interrupt.log());
        assertTrue(slept.body().startsWith("interrupted after "), slept.body() + interrupt.log());
        assertTrue(sleepMs < INTERRUPT_BOUND_MS, "answered after " + sleepMs + " ms" + interrupt.log());

        // Same connection, same loop: no interrupt left over, a short sleep sleeps.
        assertEquals(200, interrupt.send(client, "/fast").statusCode());
        HttpResponse<String> shortSleep = interrupt.send(client, "/sleep?ms=5");
        assertTrue(shortSleep.body().startsWith("slept "), shortSleep.body() + interrupt.log());
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** A DemoServer in a JVM of its own, under {@code -javaagent:<agent jar>=<options>}. */
    private static final class Forked implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        private final String name;
        private final Process process;
        private final Path output;
        private final Path report;
        private URI base;

        private Forked(String name, Process process, Path output, Path report) {
            this.name = name;
            this.process = process;
            this.output = output;
            this.report = report;
        }

        static Forked start(String name, String options) throws IOException {
            Path dir = Files.createDirectories(Path.of("target", "actions-test"));
            Path output = dir.resolve(name + "-server.log");
            Path report = dir.resolve(name + "-report.jsonl");
            Files.deleteIfExists(report);
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-javaagent:" + agentJar() + "=" + options + ",report=" + report,
                    "-cp", serviceClassPath(),
                    DemoServer.class.getName(), "0");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            return new Forked(name, process, output, report);
        }

        /** The agent jar: {@code -Dloopwatch.agent.jar} (set by this module's pom), else the reactor's. */
        private static String agentJar() {
            Path jar = Path.of(System.getProperty("loopwatch.agent.jar", "../agent/target/loopwatch-agent.jar"));
            assertTrue(Files.isRegularFile(jar), "no agent jar at " + jar.toAbsolutePath());
            return jar.toAbsolutePath().toString();
        }

        /** This module's classes and the Netty jars: what the service needs, and no loopwatch on it. */
        private static String serviceClassPath() {
            String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String classes;
            try {
                classes = Path.of(DemoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            List<String> netty = Stream.of(testClassPath.split(File.pathSeparator))
                    .filter(entry -> Path.of(entry).getFileName().toString().startsWith("netty-"))
                    .collect(Collectors.toList());
            assertFalse(netty.isEmpty(), "no Netty jar on the test class path: " + testClassPath);
            return classes + File.pathSeparator + String.join(File.pathSeparator, netty);
        }

        void awaitListening() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Matcher m = LISTENING.matcher(Files.readString(output, StandardCharsets.UTF_8));
                if (m.find()) {
                    base = URI.create(m.group(1));
                    return;
                }
                assertTrue(process.isAlive(), name + " server exited with " + exitValue() + log());
                Thread.sleep(20);
            }
            throw new AssertionError(name + " server did not listen within 60 s" + log());
        }

        /**
         * The first requests of a fresh JVM load classes on the loop and may run past the threshold for real:
         * under action=abort they are aborted (503) or, while the error path itself still loads, lost. GETs
         * /fast until 20 in a row answer 200 at once.
         */
        void warmUp() throws Exception {
            HttpClient client = client();
            int inARow = 0;
            List<String> outcomes = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inARow < 20) {
                assertTrue(System.nanoTime() < deadline, name + " warm-up: " + outcomes + log());
                String outcome;
                try {
                    HttpResponse<String> r = client.send(request("/fast", Duration.ofSeconds(2)),
                            HttpResponse.BodyHandlers.ofString());
                    outcome = String.valueOf(r.statusCode());
                } catch (IOException e) {
                    outcome = e.getClass().getSimpleName();
                }
                inARow = outcome.equals("200") ? inARow + 1 : 0;
                outcomes.add(outcome);
            }
            System.out.println(name + " warm-up, GET /fast: " + outcomes.stream()
                    .collect(Collectors.groupingBy(o -> o, java.util.TreeMap::new, Collectors.counting())));
        }

        static HttpClient client() {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }

        HttpRequest request(String path) {
            return request(path, ANSWER_TIMEOUT);
        }

        HttpRequest request(String path, Duration timeout) {
            return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
        }

        HttpResponse<String> send(HttpClient client, String path) throws IOException, InterruptedException {
            return client.send(request(path), HttpResponse.BodyHandlers.ofString());
        }

        /** The first line of the JSON-lines report file that contains each of {@code texts}, waiting up to 5 s. */
        String awaitReport(String... texts) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                if (Files.exists(report)) {
                    for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
                        if (Stream.of(texts).allMatch(line::contains)) {
                            return line;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no report with " + List.of(texts) + " in " + report + log());
                }
                Thread.sleep(20);
            }
        }

        /** The server's output so far, for failure messages. */
        String log() {
            try {
                return "\n--- " + name + " server output (" + output + "):\n" + Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "\n(no server output: " + e + ")";
            }
        }

        private String exitValue() {
            return process.isAlive() ? "(running)" : String.valueOf(process.exitValue());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: DemoServer shuts down gracefully
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
