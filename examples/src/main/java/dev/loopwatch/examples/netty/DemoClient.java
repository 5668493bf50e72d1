package dev.loopwatch.examples.netty;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends requests to a running {@link DemoServer} and prints one line per request (or per burst), with
 * what the service answered and how long the client waited. Plain JDK ({@link HttpClient}): no curl needed.
 * <pre>
 * DemoClient [--await] http://127.0.0.1:8080 '# Two quick ones' /fast /fast '# A stall' /spin?ms=300 burst:20:/fast
 * </pre>
 * <ul>
 *   <li>{@code /path}: one GET;</li>
 *   <li>{@code burst:N:/path}: N GETs at once, waiting for all of them;</li>
 *   <li>{@code warmup:N:/path}: N GETs one after another, each given 2 s; prints what they answered and never
 *       fails the run unless none answered 200 (a fresh JVM's first requests may stall for real, and under
 *       loopwatch's {@code action=abort} be aborted);</li>
 *   <li>{@code latency:/slow:/fast}: as {@code during:}, and prints the {@code /fast} latency percentiles;</li>
 *   <li>{@code during:/slow:/fast}: one GET of {@code /slow}; while it is on its way, GETs of {@code /fast}
 *       one after another on another connection. {@code /slow} may answer any status (the point is when it
 *       answers); each {@code /fast} must answer 200;</li>
 *   <li>{@code # text}: a step heading, printed as {@code ==> text} after a short pause that lets the
 *       server's output for the step before appear first (when both share a terminal).</li>
 * </ul>
 * {@code --await} retries the first request while the server does not accept connections yet (up to 15 s).
 * All requests go through one client (kept-alive connections), so only the first pays for its set-up.
 * Exits 1 when a request fails or does not answer 200 (but for the two exceptions above).
 */
public final class DemoClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    DemoClient(URI base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        boolean await = args.length > 0 && args[0].equals("--await");
        int first = await ? 1 : 0;
        if (args.length < first + 2) {
            System.err.println("usage: DemoClient [--await] <base-url> </path | burst:N:/path | warmup:N:/path | during:/slow:/fast | latency:/slow:/fast | '# heading'>...");
            System.exit(2);
        }
        DemoClient client = new DemoClient(URI.create(args[first]));
        boolean ok = true;
        boolean sentSincePause = false;
        boolean awaitServer = await;
        for (int i = first + 1; i < args.length; i++) {
            String step = args[i];
            if (step.startsWith("#")) {
                if (sentSincePause) {
                    pause();
                    sentSincePause = false;
                }
                System.out.println();
                System.out.println("==> " + step.substring(1).strip());
                continue;
            }
            if (step.startsWith("burst:")) {
                ok &= client.burst(step);
            } else if (step.startsWith("warmup:")) {
                ok &= client.warmUp(step, awaitServer);
            } else if (step.startsWith("during:") || step.startsWith("latency:")) {
                ok &= client.during(step);
            } else {
                ok &= client.one(step, awaitServer);
            }
            awaitServer = false;
            sentSincePause = true;
        }
        if (sentSincePause) {
            pause();
        }
        System.exit(ok ? 0 : 1);
    }

    /** Lets the server's reports for what was just sent reach the terminal before what comes next. */
    private static void pause() throws InterruptedException {
        System.out.flush();
        TimeUnit.MILLISECONDS.sleep(300);
    }

    /** One GET; prints {@code GET /path -> 200 in 12 ms: <body>}. */
    boolean one(String path, boolean awaitServer) throws InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = awaitServer ? sendWhenUp(path) : send(path);
            print("GET " + path + " -> " + response.statusCode() + " in " + millisSince(start) + " ms: "
                    + response.body().strip());
            return response.statusCode() == 200;
        } catch (IOException e) {
            print("GET " + path + " failed after " + millisSince(start) + " ms: " + e);
            return false;
        }
    }

    /** {@code burst:N:/path}: N GETs at once; prints how many answered 200 and the slowest. */
    boolean burst(String step) {
        String[] parts = step.split(":", 3);
        int n;
        try {
            n = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not burst:N:/path: " + step);
        }
        String path = parts.length > 2 ? parts[2] : "/fast";
        long start = System.nanoTime();
        List<CompletableFuture<Long>> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long sent = System.nanoTime();
            requests.add(http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? millisSince(sent) : -1L)
                    .exceptionally(t -> -1L));
        }
        long slowest = 0;
        int ok = 0;
        for (CompletableFuture<Long> r : requests) {
            long ms = r.join();
            if (ms >= 0) {
                ok++;
                slowest = Math.max(slowest, ms);
            }
        }
        print(n + " x GET " + path + " at once -> " + ok + " answered 200 in " + millisSince(start)
                + " ms (slowest " + slowest + " ms)");
        return ok == n;
    }

    /** {@code warmup:N:/path}: N GETs one after another; prints how each answered. */
    boolean warmUp(String step, boolean awaitServer) throws InterruptedException {
        String[] parts = step.split(":", 3);
        int n;
        try {
            n = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not warmup:N:/path: " + step);
        }
        String path = parts.length > 2 ? parts[2] : "/fast";
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String outcome;
            try {
                HttpResponse<String> response = i == 0 && awaitServer ? sendWhenUp(path, WARM_UP_TIMEOUT)
                        : send(path, WARM_UP_TIMEOUT);
                outcome = "answered " + response.statusCode();
            } catch (IOException e) {
                outcome = "no answer";
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        StringBuilder line = new StringBuilder(n + " x GET " + path + ", one after another ->");
        outcomes.forEach((outcome, count) -> line.append(' ').append(count).append(' ').append(outcome).append(','));
        line.setLength(line.length() - 1);
        print(line + " in " + millisSince(start) + " ms");
        return outcomes.containsKey("answered 200");
    }

    /**
     * {@code during:/slow:/fast}: GET {@code /slow}; while it has no answer, GET {@code /fast} one after
     * another (on another connection: the slow one holds its own). Prints when {@code /slow} answered, and
     * how the {@code /fast} ones did.
     */
    boolean during(String step) {
        String[] parts = step.split(":", 3);
        if (parts.length < 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("not during:/slow:/fast: " + step);
        }
        String slow = parts[1];
        String fast = parts.length > 2 ? parts[2] : "/fast";
        long start = System.nanoTime();
        long[] answeredAt = new long[1];
        CompletableFuture<HttpResponse<String>> slowAnswer = http.sendAsync(request(slow, TIMEOUT),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> answeredAt[0] = System.nanoTime());
        int sent = 0;
        int ok = 0;
        long slowest = 0;
        String firstFailure = null;
        List<Long> micros = new ArrayList<>();
        do {
            long fastStart = System.nanoTime();
            sent++;
            try {
                HttpResponse<String> response = send(fast, TIMEOUT);
                if (response.statusCode() == 200) {
                    ok++;
                } else if (firstFailure == null) {
                    firstFailure = response.statusCode() + ": " + response.body().strip();
                }
            } catch (IOException | InterruptedException e) {
                if (firstFailure == null) {
                    firstFailure = e.toString();
                }
            }
            slowest = Math.max(slowest, millisSince(fastStart));
            micros.add((System.nanoTime() - fastStart) / 1_000);
        } while (!slowAnswer.isDone() && System.nanoTime() - start < TIMEOUT.toNanos());
        boolean answered;
        try {
            HttpResponse<String> response = slowAnswer.join();
            print("GET " + slow + " -> " + response.statusCode() + " in "
                    + TimeUnit.NANOSECONDS.toMillis(answeredAt[0] - start) + " ms: " + response.body().strip());
            answered = true;
        } catch (RuntimeException e) {
            print("GET " + slow + " failed after " + millisSince(start) + " ms: " + e.getCause());
            answered = false;
        }
        print("  meanwhile, on another connection: " + sent + " x GET " + fast + " -> " + ok + " answered 200 (slowest "
                + slowest + " ms)" + (firstFailure == null ? "" : "; first failure: " + firstFailure));
        if (step.startsWith("latency:")) {
            java.util.Collections.sort(micros);
            print(String.format(java.util.Locale.ROOT, "  GET %s latency meanwhile: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms (%d requests)", fast, pct(micros, 0.50), pct(micros, 0.90), pct(micros, 0.99),
                    micros.get(micros.size() - 1) / 1000.0, micros.size()));
        }
        return answered && ok == sent;
    }

    private static double pct(List<Long> sortedMicros, double p) {
        int at = Math.min(sortedMicros.size() - 1, (int) Math.ceil(p * sortedMicros.size()) - 1);
        return sortedMicros.get(Math.max(0, at)) / 1000.0;
    }

    private HttpResponse<String> sendWhenUp(String path) throws IOException, InterruptedException {
        return sendWhenUp(path, TIMEOUT);
    }

    private HttpResponse<String> sendWhenUp(String path, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return send(path, timeout);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        return send(path, TIMEOUT);
    }

    private HttpResponse<String> send(String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(request(path, timeout), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return request(path, TIMEOUT);
    }

    private HttpRequest request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void print(String line) {
        System.out.println("  client | " + line);
    }
}
