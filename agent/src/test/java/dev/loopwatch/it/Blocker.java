package dev.loopwatch.it;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One blocking call of each kind, each in a method of its own (so that it is the culprit frame), taking
 * about {@code ms} where the kind can be made to wait (sleep, wait, park, locks, sockets, processes,
 * monitors); file and DNS calls take what they take. Helpers run on threads of their own.
 */
final class Blocker {
    static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fixture-helper");
        t.setDaemon(true);
        return t;
    });
    private static final Object MONITOR = new Object();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile boolean held;
    private static Path file;
    private static ServerSocket slowServer;

    private Blocker() {
    }

    /** Set up before serving: a file to read and a server that answers after a delay. */
    static void prepare() throws Exception {
        file = Files.createTempFile("loopwatch-fixture", ".txt");
        Files.write(file, new byte[8192]);
        file.toFile().deleteOnExit();
        slowServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket s = slowServer.accept();
                    HELPERS.execute(() -> answerLater(s));
                } catch (Exception e) {
                    return;
                }
            }
        }, "fixture-slow-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Reads the delay (ms) the client writes as one byte, waits it, answers one byte, closes. */
    private static void answerLater(Socket s) {
        try (s) {
            int ms = s.getInputStream().read();
            Thread.sleep(Math.max(ms, 0));
            s.getOutputStream().write(1);
            s.getOutputStream().flush();
            s.getInputStream().read(); // until the client closes
        } catch (Exception ignored) {
            // the client went away
        }
    }

    static String run(String kind, long ms) throws Exception {
        switch (kind) {
            case "sleep": sleep(ms); break;
            case "timeunit": timeUnitSleep(ms); break;
            case "wait": objectWait(ms); break;
            case "waitNanos": objectWaitNanos(ms); break;
            case "waitNotified": objectWaitNotified(ms); break;
            case "join": join(ms); break;
            case "park": park(ms); break;
            case "lock": lock(ms); break;
            case "future": future(ms); break;
            case "latch": latch(ms); break;
            case "fileRead": fileRead(); break;
            case "fileWrite": fileWrite(); break;
            case "raf": randomAccessFile(); break;
            case "fileChannel": fileChannel(); break;
            case "files": files(); break;
            case "filesWrite": filesWrite(); break;
            case "socket": socket(ms); break;
            case "accept": accept(ms); break;
            case "datagram": datagram(ms); break;
            case "socketChannel": socketChannel(ms); break;
            case "dns": dns(); break;
            case "dnsLiteral": dnsLiteral(); break;
            case "localhost": localHost(); break;
            case "process": process(); break;
            case "monitor": monitor(ms); break;
            case "sleepThenFiles": sleep(ms); files(); break; // a service's first request, in FirstTaskIT
            default: throw new IllegalArgumentException(kind);
        }
        return kind;
    }

    static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    static void timeUnitSleep(long ms) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(ms);
    }

    static void objectWait(long ms) throws InterruptedException {
        Object o = new Object();
        synchronized (o) {
            o.wait(ms);
        }
    }

    /** {@code wait(long, int)}: a call site of its own to rewrite. */
    static void objectWaitNanos(long ms) throws InterruptedException {
        Object o = new Object();
        synchronized (o) {
            o.wait(ms, 1);
        }
    }

    /** {@code wait()}, woken by another thread after {@code ms}. */
    static void objectWaitNotified(long ms) throws InterruptedException {
        Object o = new Object();
        boolean[] done = new boolean[1];
        Thread notifier = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (o) {
                done[0] = true;
                o.notifyAll();
            }
        });
        notifier.start();
        synchronized (o) {
            while (!done[0]) {
                o.wait();
            }
        }
    }

    /** {@code Thread.join}: the JDK's own wait inside, which no call-site rewrite sees; its own row does. */
    static void join(long ms) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        t.join();
    }

    static void park(long ms) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    static void lock(long ms) {
        held = false;
        Thread loop = Thread.currentThread();
        HELPERS.execute(() -> {
            LOCK.lock();
            try {
                held = true;
                awaitBlocked(loop);
                spin(ms);
            } finally {
                LOCK.unlock();
            }
        });
        while (!held) {
            Thread.onSpinWait();
        }
        LOCK.lock();
        LOCK.unlock();
    }

    static void future(long ms) throws Exception {
        Thread loop = Thread.currentThread();
        CompletableFuture.supplyAsync(() -> awaitBlocked(loop) + spin(ms), HELPERS).get();
    }

    static void latch(long ms) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        Thread loop = Thread.currentThread();
        HELPERS.execute(() -> {
            awaitBlocked(loop);
            spin(ms);
            latch.countDown();
        });
        latch.await();
    }

    static int fileRead() throws Exception {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return in.read(new byte[4096]);
        }
    }

    static void fileWrite() throws Exception {
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            out.write(new byte[8192]);
        }
    }

    static int randomAccessFile() throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            return raf.read(new byte[4096]);
        }
    }

    static int fileChannel() throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.read(ByteBuffer.allocate(4096));
        }
    }

    static int files() throws Exception {
        return Files.readAllBytes(file).length;
    }

    static void filesWrite() throws Exception {
        Files.write(file, new byte[8192]);
    }

    static int socket(long ms) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), slowServer.getLocalPort()), 5000);
            s.getOutputStream().write((int) ms);
            return s.getInputStream().read();
        }
    }

    static void accept(long ms) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            HELPERS.execute(() -> {
                spin(ms);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                } catch (Exception ignored) {
                    // the test will see no report
                }
            });
            server.accept().close();
        }
    }

    static void datagram(long ms) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = socket.getLocalPort();
            HELPERS.execute(() -> {
                spin(ms);
                try (DatagramSocket sender = new DatagramSocket()) {
                    sender.send(new DatagramPacket(new byte[1], 1, InetAddress.getLoopbackAddress(), port));
                } catch (Exception ignored) {
                    // the test will see no report
                }
            });
            socket.receive(new DatagramPacket(new byte[16], 16));
        }
    }

    static int socketChannel(long ms) throws Exception {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), slowServer.getLocalPort()));
            ch.write(ByteBuffer.wrap(new byte[] {(byte) ms}));
            return ch.read(ByteBuffer.allocate(1));
        }
    }

    static String dns() throws Exception {
        return InetAddress.getByName("localhost").getHostAddress();
    }

    /** A literal address is parsed, not looked up: no blocking call. */
    static String dnsLiteral() throws Exception {
        return InetAddress.getByName("127.0.0.1").getHostAddress() + InetAddress.getAllByName("::1").length;
    }

    static String localHost() throws Exception {
        return InetAddress.getLocalHost().getHostName();
    }

    static int process() throws Exception {
        return new ProcessBuilder("true").start().waitFor();
    }

    static void monitor(long ms) {
        held = false;
        Thread loop = Thread.currentThread();
        HELPERS.execute(() -> {
            synchronized (MONITOR) {
                held = true;
                awaitBlocked(loop);
                spin(ms);
            }
        });
        while (!held) {
            Thread.onSpinWait();
        }
        synchronized (MONITOR) {
            held = false;
        }
    }

    /**
     * Waits until {@code thread} waits (park) or is blocked (monitor), at most 5 s: on a loaded machine the
     * calling loop may be descheduled for longer than {@code ms}, and would then find the lock free, the
     * future done; the call would not block, and rightly not be reported.
     */
    static long awaitBlocked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED) {
                return 0;
            }
            Thread.onSpinWait();
        }
        return 0;
    }

    /** Busy for {@code ms} without blocking (helpers must not hold a monitor while sleeping). */
    static long spin(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long x = 0;
        while (System.nanoTime() < deadline) {
            x++;
        }
        return x;
    }

    /** Allow-listed in the tests ({@code allow=dev.loopwatch.it.Blocker$Allowed#run}): nothing in it is reported. */
    static final class Allowed {
        private Allowed() {
        }

        static String run(String kind, long ms) throws Exception {
            return Blocker.run(kind, ms);
        }
    }
}
