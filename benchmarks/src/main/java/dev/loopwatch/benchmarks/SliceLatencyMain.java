package dev.loopwatch.benchmarks;

import com.acme.work.Crunch;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * action=slice's numbers, unsliced and sliced in the same run: a Netty 4.2 NIO server with one loop (a child JVM
 * under the agent) serves three clients that each ask for a ~300 ms CPU task ({@code /cpu}, {@link Crunch}) back to
 * back: first alone (the long tasks' throughput), then with {@code /fast} asked every millisecond besides (over 16
 * connections, so that a slow answer does not hold the next requests back). Reported: {@code /fast}'s latency percentiles and
 * the long tasks' throughput, first with {@code action=log} (unsliced; no checks injected), then with
 * {@code action=slice}, and the ratio. {@code /fast}'s latency is measured from when each request was due (one per
 * millisecond), not from when the client got to send it, so a stalled loop counts for every request it held up.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.loopwatch.benchmarks.SliceLatencyMain [seconds] [slice] [pairs]</pre>
 * (on JDK 21+; JDK 25 is the target).
 */
public final class SliceLatencyMain {
    private static final int LONG_CLIENTS = 3;
    private static final long LONG_MS = 300;
    private static final int FAST_CLIENTS = 16;

    private SliceLatencyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve();
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String slice = args.length > 1 ? args[1] : "5ms";
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String common = "threshold=1s,log=off,blocking=off";
        System.out.println(Machine.describe());
        long rounds = 0;
        double[] ratios = new double[pairs];
        double[] slicedP99 = new double[pairs];
        double[] unslicedP99 = new double[pairs];
        // Unsliced then sliced, pair after pair, on one machine that others share: each ratio is of two runs side by
        // side, and the median of the pairs is the figure.
        for (int i = 0; i < pairs; i++) {
            Result unsliced = run(common + ",action=log", seconds, rounds);
            rounds = unsliced.rounds;
            Result sliced = run(common + ",action=slice,slice=" + slice
                    + ",abort.include=com.acme.work.", seconds, rounds);
            System.out.println("pair " + (i + 1) + ": " + unsliced.line("unsliced (action=log)"));
            System.out.println("pair " + (i + 1) + ": " + sliced.line("sliced (action=slice, slice=" + slice + ")"));
            ratios[i] = sliced.tasksPerSecond / unsliced.tasksPerSecond;
            slicedP99[i] = sliced.p99;
            unslicedP99[i] = unsliced.p99;
        }
        java.util.Arrays.sort(ratios);
        java.util.Arrays.sort(slicedP99);
        java.util.Arrays.sort(unslicedP99);
        System.out.printf(Locale.ROOT, "median of %d pairs: long-task throughput sliced/unsliced %.3f (range %.3f-%.3f); "
                        + "/fast p99 sliced %.1f ms (range %.1f-%.1f) vs unsliced %.1f ms%n", pairs, ratios[pairs / 2],
                ratios[0], ratios[pairs - 1], slicedP99[pairs / 2], slicedP99[0], slicedP99[pairs - 1], unslicedP99[pairs / 2]);
    }

    /** One measurement: a child server under {@code agentOptions}; {@code rounds} 0 = calibrate to 300 ms here. */
    private static Result run(String agentOptions, int seconds, long rounds) throws Exception {
        List<String> command = JavaCommand.of(agentOptions, SliceLatencyMain.class, "serve");
        command.add(1, "-Xmx512m");
        // -DserverPrio="chrt -r 10": the server alone at a real-time priority, the clients not. Under one real-time
        // round-robin priority for all, the 20 client threads and the loop share 2 CPUs in 100 ms quanta, and that is
        // what the tail then measures.
        String prio = System.getProperty("serverPrio", "").trim();
        if (!prio.isEmpty()) {
            command.addAll(0, List.of(prio.split("\\s+")));
        }
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT=")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            if (port < 0) {
                throw new IllegalStateException("the server did not start");
            }
            Client probe = new Client(port);
            for (int i = 0; i < 2000; i++) {
                probe.get("/fast");
            }
            if (rounds == 0) {
                long n = 20_000_000L;
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 10; i++) {
                    long t = System.nanoTime();
                    probe.get("/cpu?n=" + n);
                    best = Math.min(best, System.nanoTime() - t);
                }
                rounds = n * TimeUnit.MILLISECONDS.toNanos(LONG_MS) / best;
                System.out.printf(Locale.ROOT, "calibrated: %d rounds in %.1f ms, so %d rounds for %d ms%n", n, best / 1e6,
                        rounds, LONG_MS);
            }
            for (int i = 0; i < 3; i++) {
                probe.get("/cpu?n=" + rounds); // warm: the long task's code compiled as it will run
            }
            String expected = Long.toString(Crunch.crunch(rounds));
            return measure(port, rounds, expected, seconds);
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Result measure(int port, long rounds, String expected, int seconds) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Window> window = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < LONG_CLIENTS; c++) {
            Thread t = new Thread(() -> {
                try {
                    Client client = new Client(port);
                    while (running.get()) {
                        long sent = System.nanoTime();
                        String body = client.get("/cpu?n=" + rounds);
                        if (!body.equals(expected)) {
                            throw new IllegalStateException("wrong result " + body + ", expected " + expected);
                        }
                        Window w = window.get();
                        if (w != null) {
                            w.add(System.nanoTime() - sent);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "long-client-" + c);
            t.start();
            threads.add(t);
        }
        Thread.sleep(1000); // all three long tasks are in flight
        // The long tasks' throughput alone first: with /fast served at 1000/s besides (below) the sliced loop would
        // do that work too, where the unsliced one gets through a few dozen.
        Window aloneWindow = new Window();
        window.set(aloneWindow);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        Window withFast = new Window();
        window.set(withFast);
        double alone = aloneWindow.tasksPerSecond();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long[][] perClient = new long[FAST_CLIENTS][];
        List<Thread> fast = new ArrayList<>();
        for (int c = 0; c < FAST_CLIENTS; c++) {
            int first = c;
            Thread t = new Thread(() -> perClient[first] = fastClient(port, start, end, first), "fast-client-" + c);
            t.start();
            fast.add(t);
        }
        for (Thread t : fast) {
            t.join();
        }
        window.set(null);
        List<Long> latencies = new ArrayList<>();
        for (long[] l : perClient) {
            for (long v : l) {
                latencies.add(v);
            }
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        double[] ms = latencies.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        return new Result(rounds, alone, withFast.tasksPerSecond(), pct(ms, 0.50), pct(ms, 0.90), pct(ms, 0.99), ms[ms.length - 1],
                ms.length);
    }

    /**
     * One of {@link #FAST_CLIENTS} connections: request {@code k} of the whole schedule (one a millisecond from
     * {@code start}) goes on connection {@code k % FAST_CLIENTS}, so that up to that many are in flight at once (an
     * open schedule, as independent users'); its latency counts from when it was due. A request still unsent at the
     * end (its connection was held up) is counted with what it had waited by then: a lower bound, which flatters only
     * a loop that holds requests up for long.
     */
    private static long[] fastClient(int port, long start, long end, int first) {
        long period = TimeUnit.MILLISECONDS.toNanos(1) * FAST_CLIENTS;
        List<Long> latencies = new ArrayList<>();
        try {
            Client client = new Client(port);
            long due = start + TimeUnit.MILLISECONDS.toNanos(first);
            long now = System.nanoTime();
            for (; due < end && now < end; due += period) {
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                client.get("/fast");
                now = System.nanoTime();
                latencies.add(now - due);
            }
            for (; due < end; due += period) {
                latencies.add(now - due);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The long tasks that ended in one window of the run: their throughput by Little's law, the clients (always
     * {@link #LONG_CLIENTS} tasks in flight) over the mean time each took. Counting the tasks that ended in the window
     * would be coarse: sliced, the three interleaved tasks end together, a tenth of a 10 s window's count at a time.
     */
    private static final class Window {
        private long nanos;
        private int tasks;

        synchronized void add(long taskNanos) {
            nanos += taskNanos;
            tasks++;
        }

        synchronized double tasksPerSecond() {
            return tasks == 0 ? 0 : LONG_CLIENTS / (nanos / 1e9 / tasks);
        }
    }

    private record Result(long rounds, double tasksPerSecond, double tasksPerSecondWithFast, double p50, double p90,
                          double p99, double max, int n) {
        String line(String what) {
            return String.format(Locale.ROOT, "%s: long tasks alone %.2f/s (%d rounds each); with /fast besides: /fast "
                    + "latency (%d requests) p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, long tasks %.2f/s", what,
                    tasksPerSecond, rounds, n, p50, p90, p99, max, tasksPerSecondWithFast);
        }
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** A keep-alive HTTP/1.1 connection: one request at a time. */
    private static final class Client {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final InputStream in;

        Client(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        String get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int length = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c == '\n') {
                    String l = line.toString().trim();
                    if (l.isEmpty()) {
                        break;
                    }
                    if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(l.substring(15).trim());
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    // ---- the child: the server ----

    private static void serve() throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap().group(boss, loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        System.out.println("PORT=" + ((InetSocketAddress) channel.localAddress()).getPort());
        System.out.flush();
        channel.closeFuture().sync();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String body = uri.path().equals("/cpu")
                    ? Long.toString(Crunch.crunch(Long.parseLong(uri.parameters().get("n").get(0))))
                    : "ok";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
