package dev.loopwatch.agent.blocking;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every blocking JDK method loopwatch instruments, and the one place where JDK versions differ.
 *
 * <p>Advice can only go into methods with a body. On JDK 17 and 18, {@code Thread.sleep(long)} and
 * {@code Object.wait(long)} are native; from JDK 19 (Loom) they are Java methods wrapping
 * {@code sleep0}/{@code sleepNanos0} and {@code wait0}. Rather than a version number, the table asks the
 * running JDK ({@link #isNative}): a native {@code sleep} is covered by rewriting its call sites in non-JDK
 * classes ({@link CallSiteRewriter}) instead; its Java overloads ({@code sleep(long,int)}, {@code TimeUnit.sleep})
 * get advice on every JDK. {@code Object.wait} is rewritten at its call sites on every JDK
 * ({@link Kind#CALL_SITE}): advice would mean retransforming {@code java.lang.Object}, and that deoptimises
 * every compiled method that inlined a constructor (measured: 600 of the 730 methods the JVM deoptimised when
 * the agent installed, JDK 25, a Vert.x service warming up), while the application warms up. The JDK's own
 * waits are then not seen, but {@code Thread.join} has a row of its own.
 *
 * <table>
 *   <caption>Per JDK</caption>
 *   <tr><th>method</th><th>JDK 17-18</th><th>JDK 19+ (21, 25)</th></tr>
 *   <tr><td>{@code Thread.sleep(long)}</td><td>native: call sites rewritten</td><td>advice</td></tr>
 *   <tr><td>{@code Object.wait} (all three)</td><td>call sites rewritten</td><td>call sites rewritten</td></tr>
 *   <tr><td>{@code Thread.sleep(Duration)}</td><td>absent</td><td>advice</td></tr>
 *   <tr><td>all others below</td><td>advice</td><td>advice</td></tr>
 * </table>
 *
 * <p>Not instrumented, by decision: {@code Thread.yield} and {@code Thread.onSpinWait} (they give up the
 * CPU for microseconds and never wait for another party; spinning shows up as a stall instead), and file
 * metadata ({@code Files.exists/size/getAttribute}, {@code File.exists}: one cached {@code stat}).
 */
public final class JdkBlockingTable {
    /** How a target is hooked. */
    public enum Kind {
        /** Every call on a loop blocks. */
        PLAIN,
        /**
         * A channel operation: blocks only when the channel is in blocking mode. {@code method} names the
         * channel's private {@code begin...(boolean blocking, ...)}, {@code end} its
         * {@code end...(boolean blocking, boolean completed)}, which the JDK calls in a {@code finally}
         * around the operation (the same names and signatures on JDK 17 and 25, so 21 between them;
         * {@code JdkBlockingTableTest} checks the running JDK).
         */
        CHANNEL,
        /** A name lookup taking the host as its only argument: a literal address is not looked up. */
        LOOKUP,
        /**
         * Hooked only by rewriting its call sites in non-JDK classes ({@link #substitutes()}), on every JDK: its
         * class is never retransformed.
         */
        CALL_SITE
    }

    /**
     * One instrumented JDK method (all its overloads with a body).
     *
     * @param name      what reports call it ({@code java.lang.Thread.sleep})
     * @param type      the class that declares it
     * @param method    its name ({@link Kind#CHANNEL}: the begin method's)
     * @param kind      how it is hooked
     * @param end       {@link Kind#CHANNEL} only: the end method's name, else null
     */
    public record Target(String name, String type, String method, Kind kind, String end) {
    }

    /** A native blocking method whose call sites are rewritten to a bridge substitute. */
    public record Substitute(String name, String owner, String method, String descriptor) {
    }

    private static final List<Target> TARGETS = List.of(
            plain("java.lang.Thread.sleep", "java.lang.Thread", "sleep"),
            plain("java.util.concurrent.TimeUnit.sleep", "java.util.concurrent.TimeUnit", "sleep"),
            new Target("java.lang.Object.wait", "java.lang.Object", "wait", Kind.CALL_SITE, null),
            plain("java.lang.Thread.join", "java.lang.Thread", "join"),
            plain("java.util.concurrent.locks.LockSupport.park", "java.util.concurrent.locks.LockSupport", "park"),
            plain("java.util.concurrent.locks.LockSupport.parkNanos", "java.util.concurrent.locks.LockSupport", "parkNanos"),
            plain("java.util.concurrent.locks.LockSupport.parkUntil", "java.util.concurrent.locks.LockSupport", "parkUntil"),
            plain("java.io.FileInputStream.read", "java.io.FileInputStream", "read"),
            plain("java.io.FileInputStream.readAllBytes", "java.io.FileInputStream", "readAllBytes"),
            plain("java.io.FileInputStream.readNBytes", "java.io.FileInputStream", "readNBytes"),
            plain("java.io.FileInputStream.skip", "java.io.FileInputStream", "skip"),
            plain("java.io.FileOutputStream.write", "java.io.FileOutputStream", "write"),
            plain("java.io.RandomAccessFile.read", "java.io.RandomAccessFile", "read"),
            plain("java.io.RandomAccessFile.readFully", "java.io.RandomAccessFile", "readFully"),
            plain("java.io.RandomAccessFile.write", "java.io.RandomAccessFile", "write"),
            plain("java.nio.channels.FileChannel.read", "sun.nio.ch.FileChannelImpl", "read"),
            plain("java.nio.channels.FileChannel.write", "sun.nio.ch.FileChannelImpl", "write"),
            plain("java.nio.channels.FileChannel.transferTo", "sun.nio.ch.FileChannelImpl", "transferTo"),
            plain("java.nio.channels.FileChannel.transferFrom", "sun.nio.ch.FileChannelImpl", "transferFrom"),
            plain("java.nio.channels.FileChannel.force", "sun.nio.ch.FileChannelImpl", "force"),
            plain("java.nio.channels.FileChannel.lock", "sun.nio.ch.FileChannelImpl", "lock"),
            plain("java.nio.file.Files.readAllBytes", "java.nio.file.Files", "readAllBytes"),
            plain("java.nio.file.Files.readString", "java.nio.file.Files", "readString"),
            plain("java.nio.file.Files.readAllLines", "java.nio.file.Files", "readAllLines"),
            plain("java.nio.file.Files.lines", "java.nio.file.Files", "lines"),
            plain("java.nio.file.Files.write", "java.nio.file.Files", "write"),
            plain("java.nio.file.Files.writeString", "java.nio.file.Files", "writeString"),
            plain("java.nio.file.Files.newInputStream", "java.nio.file.Files", "newInputStream"),
            plain("java.nio.file.Files.newOutputStream", "java.nio.file.Files", "newOutputStream"),
            plain("java.nio.file.Files.newBufferedReader", "java.nio.file.Files", "newBufferedReader"),
            plain("java.nio.file.Files.newBufferedWriter", "java.nio.file.Files", "newBufferedWriter"),
            plain("java.nio.file.Files.newByteChannel", "java.nio.file.Files", "newByteChannel"),
            plain("java.nio.file.Files.copy", "java.nio.file.Files", "copy"),
            plain("java.nio.file.Files.move", "java.nio.file.Files", "move"),
            plain("java.nio.file.Files.delete", "java.nio.file.Files", "delete"),
            plain("java.nio.file.Files.deleteIfExists", "java.nio.file.Files", "deleteIfExists"),
            plain("java.nio.file.Files.createFile", "java.nio.file.Files", "createFile"),
            // java.net.Socket and ServerSocket run on NioSocketImpl (JDK 13+): its blocking read, write,
            // connect and accept; its streams and the public API all go through these.
            plain("java.net.Socket.read", "sun.nio.ch.NioSocketImpl", "read"),
            plain("java.net.Socket.write", "sun.nio.ch.NioSocketImpl", "write"),
            plain("java.net.Socket.connect", "sun.nio.ch.NioSocketImpl", "connect"),
            plain("java.net.ServerSocket.accept", "sun.nio.ch.NioSocketImpl", "accept"),
            plain("java.net.DatagramSocket.send", "java.net.DatagramSocket", "send"),
            plain("java.net.DatagramSocket.receive", "java.net.DatagramSocket", "receive"),
            // Channels: the begin/end pair every operation goes through (see Kind.CHANNEL), also the socket
            // adaptors' (SocketChannel.socket()) blocking reads and writes.
            channel("java.nio.channels.SocketChannel.read", "sun.nio.ch.SocketChannelImpl", "beginRead", "endRead"),
            channel("java.nio.channels.SocketChannel.write", "sun.nio.ch.SocketChannelImpl", "beginWrite", "endWrite"),
            channel("java.nio.channels.SocketChannel.connect", "sun.nio.ch.SocketChannelImpl", "beginConnect", "endConnect"),
            channel("java.nio.channels.SocketChannel.connect", "sun.nio.ch.SocketChannelImpl", "beginFinishConnect",
                    "endFinishConnect"),
            channel("java.nio.channels.ServerSocketChannel.accept", "sun.nio.ch.ServerSocketChannelImpl", "begin", "end"),
            channel("java.nio.channels.DatagramChannel.receive", "sun.nio.ch.DatagramChannelImpl", "beginRead", "endRead"),
            channel("java.nio.channels.DatagramChannel.send", "sun.nio.ch.DatagramChannelImpl", "beginWrite", "endWrite"),
            new Target("java.net.InetAddress.getByName", "java.net.InetAddress", "getByName", Kind.LOOKUP, null),
            new Target("java.net.InetAddress.getAllByName", "java.net.InetAddress", "getAllByName", Kind.LOOKUP, null),
            plain("java.net.InetAddress.getLocalHost", "java.net.InetAddress", "getLocalHost"),
            plain("java.lang.Process.waitFor", "java.lang.ProcessImpl", "waitFor"),
            plain("java.lang.Process.waitFor", "java.lang.Process", "waitFor"));

    private JdkBlockingTable() {
    }

    private static Target plain(String name, String type, String method) {
        return new Target(name, type, method, Kind.PLAIN, null);
    }

    private static Target channel(String name, String type, String begin, String end) {
        return new Target(name, type, begin, Kind.CHANNEL, end);
    }

    public static List<Target> targets() {
        return TARGETS;
    }

    /** Call names by id: the index of a name's first appearance in the table. */
    public static String[] names() {
        return ids().keySet().toArray(new String[0]);
    }

    /** The id advice records for {@code name}. */
    public static int id(String name) {
        Integer id = ids().get(name);
        if (id == null) {
            throw new IllegalArgumentException(name);
        }
        return id;
    }

    private static Map<String, Integer> ids() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Target t : TARGETS) {
            ids.putIfAbsent(t.name(), ids.size());
        }
        return ids;
    }

    /**
     * The methods whose call sites are rewritten: {@code Thread.sleep(long)} where it is native (JDK 17-18),
     * and the three {@code Object.wait} on every JDK ({@link Kind#CALL_SITE}).
     */
    public static List<Substitute> substitutes() {
        List<Substitute> out = new ArrayList<>();
        if (isNative(Thread.class, "sleep", long.class)) {
            out.add(new Substitute("java.lang.Thread.sleep", "java/lang/Thread", "sleep", "(J)V"));
        }
        for (String descriptor : List.of("()V", "(J)V", "(JI)V")) {
            out.add(new Substitute("java.lang.Object.wait", "java/lang/Object", "wait", descriptor));
        }
        return out;
    }

    static boolean isNative(Class<?> type, String name, Class<?>... parameters) {
        try {
            Method m = type.getDeclaredMethod(name, parameters);
            return Modifier.isNative(m.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
