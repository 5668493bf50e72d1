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
 *   <li>{@code # text}: a step heading, printed as {@code ==> text} after a short pause that lets the
 *       server's output for the step before appear first (when both share a terminal).</li>
 * </ul>
 * {@code --await} retries the first request while the server does not accept connections yet (up to 15 s).
 * All requests go through one client (kept-alive connections), so only the first pays for its set-up.
 * Exits 1 when a request fails or does not answer 200.
 */
public final class DemoClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

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
            System.err.println("usage: DemoClient [--await] <base-url> </path | burst:N:/path | '# heading'>...");
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
            ok &= step.startsWith("burst:") ? client.burst(step) : client.one(step, awaitServer);
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

    private HttpResponse<String> sendWhenUp(String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return send(path);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void print(String line) {
        System.out.println("  client | " + line);
    }
}
