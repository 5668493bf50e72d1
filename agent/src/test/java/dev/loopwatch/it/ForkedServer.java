package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link FixtureServer} in a JVM of its own, started with {@code -javaagent:} pointing at the shaded
 * agent jar (the same java as the test runs on, so CI covers JDK 17 and 25), on one Netty line's jars,
 * driven by a real HTTP client. Its reports are read back from the JSON-lines file.
 */
final class ForkedServer implements AutoCloseable {
    static final Path AGENT_JAR = Path.of(System.getProperty("loopwatch.it.agentJar", "target/loopwatch-agent.jar"));
    static final Path LIBS = Path.of(System.getProperty("loopwatch.it.libs", "target/it-libs"));
    static final Path CLASSES = Path.of(System.getProperty("loopwatch.it.classes", "target/test-classes"));
    /** The it-fixtures modules: each has target/classes and its framework's jars in target/libs. */
    static final Path FIXTURES = Path.of(System.getProperty("loopwatch.it.fixtures", "../it-fixtures"));
    /** The framework-free application code that every fixture's handlers call (it-fixtures/app). */
    static final Path APP_CLASSES = FIXTURES.resolve("app").resolve("target").resolve("classes");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final Path report;
    private final Path stdout;
    private final Path stderr;
    private final int port;
    // HTTP/1.1: the JDK client otherwise tries an h2c upgrade on each new connection, which some servers
    // (Reactor Netty under Spring Boot) answer in ways that left a request hanging in CI.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ForkedServer(Process process, Path dir, Path report, Path stdout, Path stderr, int port) {
        this.process = process;
        this.dir = dir;
        this.report = report;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /** A builder for a server on {@code nettyLine} ("netty-4.1" or "netty-4.2") and {@code transport}. */
    static Builder on(String nettyLine, String transport) {
        return new Builder(nettyLine, transport);
    }

    /**
     * A builder for a framework fixture: {@code mainClass} of the it-fixtures module {@code module}
     * ("vertx-5", "webflux", ...), on that module's classes and jars only.
     */
    static Builder fixture(String module, String mainClass) {
        Builder b = new Builder(null, "nio");
        b.fixtureModule = module;
        b.mainClass = mainClass;
        return b;
    }

    /**
     * A builder for a framework fixture that its build packages as a runnable jar, started as such services are,
     * {@code java -jar}: {@code jar} is relative to the it-fixtures module {@code module}
     * ({@code target/quarkus-app/quarkus-run.jar}). It must print {@code PORT=n} as the others do.
     */
    static Builder jar(String module, String jar) {
        Builder b = new Builder(null, "nio");
        b.fixtureModule = module;
        b.jar = jar;
        return b;
    }

    /**
     * A builder for one of these tests' own fixtures ({@code mainClass(...)}) on the jars of the it-fixtures
     * module {@code module} instead of {@code target/it-libs}: e.g. {@link VertxFixture} on Vert.x 4.5.
     */
    static Builder onFixtureLibs(String module, String transport) {
        Builder b = new Builder(null, transport);
        b.libsModule = module;
        return b;
    }

    static final class Builder {
        private final String nettyLine;
        private String libsModule;
        private final String transport;
        private String agentArgs = "";
        private boolean agent = true;
        private final List<String> extraLibs = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> laterAgents = new ArrayList<>();
        private final java.util.Map<String, String> env = new java.util.HashMap<>();
        private String fixtureModule;
        private String jar;
        private String mainClass = FixtureServer.class.getName();

        private Builder(String nettyLine, String transport) {
            this.nettyLine = nettyLine;
            this.transport = transport;
        }

        /** Agent options; {@code report=} is added by the harness unless they name one. */
        Builder agentArgs(String args) {
            this.agentArgs = args;
            return this;
        }

        Builder withoutAgent() {
            this.agent = false;
            return this;
        }

        /** Adds the jars of {@code target/it-libs/<dir>} (e.g. "slf4j") to the class path. */
        Builder withLibs(String libDir) {
            extraLibs.add(libDir);
            return this;
        }

        /** Micrometer on the fixture's class path and a registry of its own, read by {@link ForkedServer#meters}. */
        Builder withMeters() {
            return withLibs("micrometer").jvmArg("-Dfixture.meters=true");
        }

        Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Another -javaagent, loaded after loopwatch (its retransforming transformers then see loopwatch's output). */
        Builder laterAgent(String jar) {
            laterAgents.add("-javaagent:" + jar);
            return this;
        }

        /** Another fixture than {@link FixtureServer} (same arguments, same "PORT=" line). */
        Builder mainClass(Class<?> main) {
            this.mainClass = main.getName();
            return this;
        }

        Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        ForkedServer start() throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("loopwatch-it");
            Path report = dir.resolve("report.jsonl");
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx256m");
            cmd.addAll(jvmArgs);
            if (agent) {
                String args = agentArgs.isEmpty() ? "report=" + report
                        : ("," + agentArgs).contains(",report=") ? agentArgs : agentArgs + ",report=" + report;
                cmd.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + args);
            }
            cmd.addAll(laterAgents);
            if (jar != null) {
                cmd.add("-jar");
                cmd.add(FIXTURES.resolve(fixtureModule).resolve(jar).toAbsolutePath().normalize().toString());
            } else {
                cmd.add("-cp");
                cmd.add(classPath());
                cmd.add(mainClass);
                cmd.add(transport);
            }
            ProcessBuilder builder = new ProcessBuilder(cmd);
            builder.environment().keySet().removeIf(name -> name.startsWith("LOOPWATCH_"));
            builder.environment().putAll(env);
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String text = Files.readString(out);
                int at = text.indexOf("PORT=");
                if (at >= 0 && text.indexOf('\n', at) > 0) {
                    int port = Integer.parseInt(text.substring(at + 5, text.indexOf('\n', at)).trim());
                    return new ForkedServer(p, dir, report, out, err, port);
                }
                if (!p.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            p.destroyForcibly();
            throw new IllegalStateException("fixture server did not start: " + cmd + "\nstdout: "
                    + Files.readString(out) + "\nstderr: " + Files.readString(err));
        }

        /** The class path of a fixture run by its main class. */
        private String classPath() {
            StringBuilder cp = new StringBuilder();
            if (fixtureModule == null) {
                cp.append(CLASSES.toAbsolutePath());
                // The application code its handler calls (com.acme.work, the waits...): it-fixtures/app.
                cp.append(File.pathSeparator).append(APP_CLASSES.toAbsolutePath().normalize());
                Path libs = libsModule == null ? LIBS.resolve(nettyLine)
                        : FIXTURES.resolve(libsModule).resolve("target").resolve("libs");
                cp.append(File.pathSeparator).append(libs.toAbsolutePath().normalize()).append(File.separator).append('*');
            } else {
                Path module = FIXTURES.resolve(fixtureModule).toAbsolutePath().normalize();
                cp.append(module.resolve("target").resolve("classes"));
                cp.append(File.pathSeparator).append(module.resolve("target").resolve("libs")).append(File.separator).append('*');
            }
            if (!agent) {
                // The fixture's /status reads loopwatch's classes; on the class path they are inert.
                cp.append(File.pathSeparator).append(AGENT_JAR.toAbsolutePath());
            }
            for (String lib : extraLibs) {
                cp.append(File.pathSeparator).append(LIBS.resolve(lib).toAbsolutePath()).append(File.separator).append('*');
            }
            return cp.toString();
        }
    }

    /** The port the server listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    /**
     * Loads the agent into the running server (a server started {@link Builder#withoutAgent()}), as
     * {@code attach <pid>} would, with {@code options} and the harness's report file; waits for it to return.
     */
    void attachAgent(String options) throws IOException, InterruptedException {
        String args = options.isEmpty() ? "report=" + report : options + ",report=" + report;
        Process attach = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", AGENT_JAR.toAbsolutePath().toString(), "dev.loopwatch.agent.Attach", Long.toString(process.pid()), args)
                .redirectErrorStream(true).start();
        String output = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!attach.waitFor(60, TimeUnit.SECONDS) || attach.exitValue() != 0) {
            throw new IllegalStateException("attach failed: " + output + "\nserver stderr:\n" + stderr());
        }
    }

    /** The JSON-lines report file the harness gives the agent ({@code report=}). */
    Path reportFile() {
        return report;
    }

    /** GETs {@code path} and returns the answer, whatever its status. */
    HttpResponse<String> send(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} and returns the body; fails on a non-200 answer. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            // Seen about once in ten full runs, WebFlux only: the request hangs on a reused keep-alive connection
            // while every server thread is idle (the dump shows the loops in epoll_wait). Not the agent's: the
            // fixture without the agent, driven by this client (java.net.http, HTTP/1.1) with the IT's mix of
            // /parallel, /elastic, /status, /fast, /spin and /sleep, hung on 34 of 9 731 requests in 2 minutes
            // (with the agent: 32 of 14 962). Asked again on a new connection: a server that hung fails there
            // too, with its threads in the message; one that answers has served, and the hang is left on stderr.
            String threads = threadDump();
            try {
                response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build()
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException again) {
                again.addSuppressed(e);
                throw new IllegalStateException(path + " timed out twice, on a new connection too; the server's threads:\n"
                        + threadDump() + "\nserver stderr:\n" + stderr(), again);
            }
            System.err.println("ForkedServer: " + path + " hung on a kept-alive connection and was answered on a new"
                    + " one; the server's threads while it hung:\n" + threads);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The fixture's Micrometer meters ({@link MetersFixture#dump()}, with {@code -Dfixture.meters=true}) once
     * {@code until} holds of them, or as they are after 15 s: the caller's assertions then say what is missing.
     */
    String meters(java.util.function.Predicate<String> until) throws IOException, InterruptedException {
        String meters = "";
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            meters = get("/meters");
            if (until.test(meters)) {
                break;
            }
            Thread.sleep(200);
        }
        return meters;
    }

    /**
     * The first requests load classes (Netty 4.2 even starts JFR in its allocator) and may stall for real:
     * tests that count reports warm the server up first and count only what they cause themselves.
     */
    void warmUp() throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            get("/fast");
        }
        // The fixture's own /status (asked after every test) builds its first strings through indy string
        // concatenation, which spins classes up on the loop for tens of milliseconds the first time.
        for (int i = 0; i < 5; i++) {
            status();
        }
        Thread.sleep(200);
    }

    /** Fails unless the agent counted no error of its own and its watchdog still runs (every IT, after each test). */
    void assertAgentHealthy() throws IOException, InterruptedException {
        JsonNode status = status();
        org.junit.jupiter.api.Assertions.assertEquals(0, status.get("errors").asLong(),
                "loopwatch's own error count; stderr:\n" + stderr());
        org.junit.jupiter.api.Assertions.assertTrue(status.get("running").asBoolean(), "watchdog running");
    }

    /** The agent's status as the fixture reports it. */
    JsonNode status() throws IOException, InterruptedException {
        return JSON.readTree(get("/status"));
    }

    /**
     * The id of the last stall the watchdog has seen (stall ids count up from 1, and an interrupt, abort or
     * stall-end report has its stall's id). Reports are written on a thread of their own, some time after the
     * task was interrupted or aborted: an earlier test's may land after a later test counted the reports. A
     * stall that begins after this call has a higher id.
     */
    long lastStallId() throws IOException, InterruptedException {
        return status().get("stalls").asLong();
    }

    /** Every report written so far, in order. */
    List<JsonNode> reports() throws IOException {
        if (!Files.exists(report)) {
            return List.of();
        }
        List<JsonNode> nodes = new ArrayList<>();
        String text = Files.readString(report, StandardCharsets.UTF_8);
        // The agent may be writing the last line right now: only whole lines count.
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        for (String line : complete.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    /**
     * Reports of things that happened at or after {@code since}: a report written now may be about an earlier
     * test's call (calls over the stack budget are flushed within a second); its {@code time} says when.
     */
    static java.util.function.Predicate<JsonNode> madeSince(java.time.Instant since) {
        java.time.Instant from = since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return r -> !java.time.Instant.parse(r.get("time").asText()).isBefore(from);
    }

    /** Reports after the first {@code skip}, that match; waits up to {@code seconds} for {@code count}. */
    List<JsonNode> awaitReports(int skip, Predicate<JsonNode> match, int count, double seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<JsonNode> found;
        do {
            List<JsonNode> all = reports();
            found = all.subList(Math.min(skip, all.size()), all.size()).stream().filter(match).collect(Collectors.toList());
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return found;
    }

    /** What a failed expectation should show: the agent's status, the server's stderr and threads. */
    String diagnostics() {
        try {
            return "\nstatus: " + status() + "\nserver stderr:\n" + stderr() + "\nthreads:\n" + threadDump();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "\n(no diagnostics: " + e + ")";
        }
    }

    /** The server's thread dump (jstack), to tell a hung server from a slow one. */
    String threadDump() {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())).redirectErrorStream(true).start();
            String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jstack.waitFor(10, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /**
     * The server's stderr, less the one note that the watchdog's ticks came late: that says the CI machine was
     * busy (tested in core's WatchdogTest), not that the agent did anything wrong.
     */
    String stderr() throws IOException {
        return Files.readString(stderr).replaceAll("(?m)^loopwatch: the watchdog's ticks came late .*\\R", "");
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
