package dev.loopwatch.agent;

import com.acme.rewrite.WaitsOnce;
import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.agent.weave.TypeMatch;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static dev.loopwatch.agent.weave.MethodMatch.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weaver on class files: which classes it takes (by name and loader), that what it writes verifies, and that
 * woven code behaves as the original plus its advice, on every path out of a method.
 */
class WeaverTest {

    private static Weaver weaver(String options) throws Exception {
        LoopWatchConfig config = ConfigParser.parse(options, new Properties(), Map.of());
        List<LibraryLine> lines = AgentInstaller.lines(config);
        lines.add(BlockingInstaller.jdkLine());
        lines.add(BlockingInstaller.allowLine(List.of(), config.executors()));
        return new Weaver(lines, null, BlockingInstaller.rewriter(List.of()), BridgeVisibility.assumed());
    }

    /** A loader that sees exactly these resources (a library line's marker classes), and no class. */
    private static ClassLoader seeing(String... resources) {
        Set<String> seen = Set.of(resources);
        return new ClassLoader(null) {
            @Override
            protected URL findResource(String name) {
                try {
                    return seen.contains(name) ? new URL("file:/" + name) : null;
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static final ClassLoader NETTY_41 = seeing("io/netty/util/concurrent/AbstractEventExecutor.class");
    private static final ClassLoader NETTY_42 = seeing("io/netty/util/concurrent/AbstractEventExecutor.class",
            "io/netty/channel/IoHandler.class");

    @Test
    void everyHookedClassIsTakenInTheLoaderOfItsLine() throws Exception {
        Weaver weaver = weaver("schedulers=on,executors=on");
        for (String hooked : List.of("io/netty/util/concurrent/AbstractEventExecutor",
                "io/netty/util/concurrent/DefaultEventExecutor", "io/netty/channel/nio/NioEventLoop",
                "io/netty/channel/epoll/EpollEventLoop", "io/netty/channel/kqueue/KQueueEventLoop")) {
            assertTrue(weaver.wantsByName(NETTY_41, hooked), hooked);
        }
        for (String hooked : List.of("io/netty/channel/SingleThreadIoEventLoop",
                "io/netty/channel/nio/NioIoHandler$DefaultNioRegistration",
                "io/netty/channel/epoll/EpollIoHandler$DefaultEpollIoRegistration")) {
            assertTrue(weaver.wantsByName(NETTY_42, hooked), hooked);
            assertFalse(weaver.wantsByName(NETTY_41, hooked), "not a 4.1 class: " + hooked);
        }
        assertFalse(weaver.wantsByName(NETTY_42, "io/netty/channel/nio/NioEventLoop"), "the 4.1 loop, under 4.2");
        for (String[] hooked : List.of(
                new String[] {"io/vertx/ext/web/impl/RouteState", "io/vertx/core/impl/ContextInternal.class"},
                new String[] {"io/vertx/core/eventbus/impl/HandlerRegistration", "io/vertx/core/internal/ContextInternal.class"},
                new String[] {"io/grpc/internal/ServerCallImpl$ServerStreamListenerImpl", "io/grpc/internal/ServerCallImpl.class"},
                new String[] {"io/micronaut/http/server/RouteExecutor", "io/micronaut/http/server/RouteExecutor.class"},
                new String[] {"io/micronaut/http/server/netty/NettyRequestLifecycle", "io/micronaut/http/server/RouteExecutor.class"},
                new String[] {"reactor/core/scheduler/ReactorThreadFactory", "reactor/core/scheduler/NonBlocking.class"},
                new String[] {"reactor/core/scheduler/WorkerTask", "reactor/core/scheduler/NonBlocking.class"})) {
            assertTrue(weaver.wantsByName(seeing(hooked[1]), hooked[0]), hooked[0]);
            assertFalse(weaver.wantsByName(seeing(), hooked[0]), "without its library's marker: " + hooked[0]);
        }
        for (String jdk : List.of("java/lang/Thread", "java/io/FileInputStream", "sun/nio/ch/SocketChannelImpl",
                "java/util/concurrent/locks/LockSupport")) {
            assertTrue(weaver.wantsByName(null, jdk), jdk);
        }
    }

    @Test
    void otherClassesAreNotTaken() throws Exception {
        Weaver weaver = weaver("schedulers=on,executors=on");
        for (String other : List.of("io/netty/buffer/ByteBuf", "io/netty/channel/nio/NioIoHandler",
                "io/vertx/core/http/impl/HttpServerImpl", "io/vertx/ext/web/impl/RouterImpl", "reactor/core/publisher/Mono",
                "com/acme/App", "java/lang/String", "java/lang/Object")) {
            assertFalse(weaver.wantsByName(NETTY_42, other), other);
        }
        assertFalse(weaver("executors=off").wantsByName(NETTY_41, "io/netty/util/concurrent/DefaultEventExecutor"),
                "DefaultEventExecutor is hooked only with executors=on");
        assertFalse(weaver("schedulers=off").wantsByName(seeing("reactor/core/scheduler/NonBlocking.class"),
                "reactor/core/scheduler/WorkerTask"), "Reactor is hooked only with schedulers=on");
        assertNull(weaver("").transform(null, NETTY_42, "com/acme/Plain", null, null, bytes(Plain.class)),
                "a class nothing applies to is left as it is");
    }

    /** What the JVM does not check in the JDK's own classes is checked here, with ASM's verifier. */
    @Test
    void wovenJdkClassesVerify() throws Exception {
        Weaver weaver = weaver("");
        int woven = 0;
        for (String type : List.of("java/lang/Thread", "java/io/FileInputStream", "java/io/FileOutputStream",
                "java/io/RandomAccessFile", "sun/nio/ch/FileChannelImpl", "java/nio/file/Files", "sun/nio/ch/NioSocketImpl",
                "sun/nio/ch/SocketChannelImpl", "sun/nio/ch/ServerSocketChannelImpl", "sun/nio/ch/DatagramChannelImpl",
                "java/net/InetAddress", "java/net/DatagramSocket", "java/lang/ProcessImpl", "java/lang/Process",
                "java/util/concurrent/locks/LockSupport", "java/util/concurrent/TimeUnit", "java/lang/ClassLoader")) {
            byte[] original = jdkBytes(type);
            byte[] out = weaver.transform(null, null, type, null, null, original);
            assertNotNull(out, type + " was not woven");
            verify(type, out, ClassLoader.getSystemClassLoader());
            assertTrue(callsBridge(out), type + " calls no bridge method");
            woven++;
        }
        assertEquals(17, woven);
    }

    @Test
    void wovenNetty41ClassesVerify() throws Exception {
        Weaver weaver = weaver("executors=on");
        ClassLoader app = WeaverTest.class.getClassLoader(); // Netty 4.1 is on the test class path
        for (String type : List.of("io/netty/util/concurrent/AbstractEventExecutor", "io/netty/channel/nio/NioEventLoop",
                "io/netty/channel/epoll/EpollEventLoop", "io/netty/util/concurrent/DefaultEventExecutor")) {
            byte[] out = weaver.transform(null, app, type, null, null, appBytes(type));
            assertNotNull(out, type + " was not woven");
            verify(type, out, app);
            assertTrue(callsBridge(out), type);
        }
    }

    @Test
    void theCallSiteRewriteChangesOnlyTheMethodsThatCallAndLeavesTheRestAsTheyWere() throws Exception {
        Weaver weaver = weaver("");
        ClassLoader app = WeaverTest.class.getClassLoader();
        byte[] original = bytes(WaitsOnce.class);
        byte[] out = weaver.transform(null, app, WaitsOnce.class.getName().replace('.', '/'), null, null, original);
        assertNotNull(out);
        verify(WaitsOnce.class.getName(), out, app);
        assertTrue(callsBridge(out));
        assertEquals(methodBytes(original, "plain"), methodBytes(out, "plain"), "a method without the call is copied");
        assertNull(weaver.transform(null, app, WaitsOnce.NamesWait.class.getName().replace('.', '/'), null, null,
                bytes(WaitsOnce.NamesWait.class)), "a class that only names a wait is left as it is");
    }

    /** A hook that cannot be woven is left out, and said; the class keeps its call-site rewrite. */
    @Test
    void aHookThatFailsDoesNotCostTheClassItsRewrite() throws Exception {
        String name = WaitsOnce.class.getName();
        LibraryLine broken = LibraryLine.everywhere("broken", List.of(new Hook(TypeMatch.named(name), named("plain"),
                null))); // no advice: weaving it throws
        Weaver weaver = new Weaver(List.of(broken), null, BlockingInstaller.rewriter(List.of()),
                BridgeVisibility.assumed());
        ClassLoader app = WeaverTest.class.getClassLoader();
        byte[] out = weaver.transform(null, app, name.replace('.', '/'), null, null, bytes(WaitsOnce.class));
        assertNotNull(out, "rewritten all the same");
        verify(name, out, app);
        assertTrue(callsBridge(out));
        assertTrue(dev.loopwatch.core.Diagnostics.failures().containsKey("instrumentation broken of " + name),
                dev.loopwatch.core.Diagnostics.failures().keySet().toString());
    }

    /** The instructions of the first method of that name, as text. */
    private static String methodBytes(byte[] bytes, String method) {
        StringBuilder code = new StringBuilder();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String d, String s, String[] e) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        code.append(opcode).append(' ');
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        code.append(opcode).append(':').append(var).append(' ');
                    }
                };
            }
        }, 0);
        return code.toString();
    }

    // ---- woven code behaves like the original, plus the advice ----

    /** A class with the shapes advice must survive: locals after the arguments, longs, loops, handlers, throws. */
    public static final class Sample {
        public static long sum(long from, int count, Runnable each) {
            long total = 0;
            for (int i = 0; i < count; i++) {
                try {
                    each.run();
                    total += from + i;
                } catch (IllegalStateException e) {
                    total -= 1;
                }
            }
            return total;
        }

        public static void fail(String message) {
            String text = message + "!";
            throw new IllegalArgumentException(text);
        }

        public double scale(double by, Object unused) {
            double x = by * 2;
            return x;
        }
    }

    /** A plain class no line names. */
    public static final class Plain {
        public int one() {
            return 1;
        }
    }

    private static Class<?> wovenSample() throws Exception {
        String name = Sample.class.getName().replace('.', '/');
        LibraryLine line = LibraryLine.everywhere("test", List.of(new Hook(TypeMatch.named(Sample.class.getName()),
                named("sum", "fail", "scale"), BridgeAdvice.TASK)));
        Weaver weaver = new Weaver(List.of(line), null, null, BridgeVisibility.assumed());
        byte[] out = weaver.transform(null, WeaverTest.class.getClassLoader(), name, null, null, bytes(Sample.class));
        assertNotNull(out);
        verify(name, out, WeaverTest.class.getClassLoader());
        return new ClassLoader(WeaverTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Sample.class.getName(), out, 0, out.length);
            }
        }.define();
    }

    @Test
    void wovenMethodsTimeEachCallOnEveryWayOut() throws Throwable {
        Class<?> woven = wovenSample();
        assertTrue(Loops.adopt(Thread.currentThread(), null));
        LoopSlot slot = Loops.live()[Loops.live().length - 1];
        assertSame(Thread.currentThread(), slot.thread());
        try {
            Method sum = woven.getMethod("sum", long.class, int.class, Runnable.class);
            long before = slot.seq();
            int[] runs = {0};
            long[] seenInside = {0};
            Object total = sum.invoke(null, 10L, 4, (Runnable) () -> {
                seenInside[0] = slot.seq();
                if (++runs[0] == 2) {
                    throw new IllegalStateException("skip");
                }
            });
            assertEquals(10L + 12 + 13 - 1, total, "the method's own locals, loop and handler are intact");
            assertEquals(before + 1, seenInside[0], "a task runs while inside");
            assertEquals(before + 2, slot.seq(), "and ends at the return");

            InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                    () -> woven.getMethod("fail", String.class).invoke(null, "no"));
            assertEquals("no!", thrown.getCause().getMessage());
            assertTrue(thrown.getCause() instanceof IllegalArgumentException);
            assertEquals(before + 4, slot.seq(), "a throw ends the task too");

            Object instance = woven.getConstructor().newInstance();
            assertEquals(3.0, woven.getMethod("scale", double.class, Object.class).invoke(instance, 1.5, null));
            assertEquals(before + 6, slot.seq());
        } finally {
            Loops.unregister(slot);
        }
    }

    /** action=slice's advice in the JDK and in Netty 4.1's task runner verifies and calls only the bridge. */
    @Test
    void sliceAdviceVerifies() throws Exception {
        Weaver weaver = new Weaver(new ArrayList<>(dev.loopwatch.agent.slice.SliceInstrumentation.lines()), null, null,
                BridgeVisibility.assumed());
        for (String type : List.of("java/lang/ThreadLocal", "java/util/concurrent/locks/AbstractOwnableSynchronizer")) {
            byte[] out = weaver.transform(null, null, type, null, null, jdkBytes(type));
            assertNotNull(out, type + " was not woven");
            verify(type, out, ClassLoader.getSystemClassLoader());
            assertTrue(callsBridge(out), type);
        }
        ClassLoader netty = WeaverTest.class.getClassLoader(); // Netty 4.1 is on the test class path
        List<LibraryLine> lines = AgentInstaller.lines(ConfigParser.parse("", new Properties(), Map.of()));
        lines.addAll(dev.loopwatch.agent.slice.SliceInstrumentation.lines());
        Weaver both = new Weaver(lines, null, null, BridgeVisibility.assumed());
        for (String type : List.of("io/netty/util/concurrent/AbstractEventExecutor", "io/netty/util/concurrent/FastThreadLocal")) {
            byte[] out = both.transform(null, netty, type, null, null, appBytes(type));
            assertNotNull(out, type + " was not woven");
            verify(type, out, WeaverTest.class.getClassLoader());
            assertTrue(callsBridge(out), type);
        }
    }

    /** A method that a guard may skip: counts the calls whose body ran. */
    public static final class Guarded {
        public static int ran;

        public void handle(int times) {
            for (int i = 0; i < times; i++) {
                ran++;
            }
        }
    }

    /**
     * The guard advice (action=slice's NIO dispatch) inside an around advice on the same method: the method returns
     * at once when the guard's call says true (here {@code Thread.interrupted()}, a boolean the test sets), passing
     * the around advice's exit, and runs as it is otherwise.
     */
    @Test
    void aGuardSkipsTheBodyOnlyWhenItsCallSaysSoAndTheAroundAdviceStillEnds() throws Throwable {
        String name = Guarded.class.getName().replace('.', '/');
        LibraryLine line = LibraryLine.everywhere("test", List.of(
                new Hook(TypeMatch.named(Guarded.class.getName()), named("handle"), BridgeAdvice.TASK),
                new Hook(TypeMatch.named(Guarded.class.getName()), named("handle"),
                        dev.loopwatch.agent.weave.Advice.guard(dev.loopwatch.agent.weave.Call.of("java/lang/Thread",
                                "interrupted", "()Z")))));
        byte[] out = new Weaver(List.of(line), null, null, BridgeVisibility.assumed())
                .transform(null, WeaverTest.class.getClassLoader(), name, null, null, bytes(Guarded.class));
        assertNotNull(out);
        verify(name, out, WeaverTest.class.getClassLoader());
        Class<?> woven = new ClassLoader(WeaverTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Guarded.class.getName(), out, 0, out.length);
            }
        }.define();
        assertTrue(Loops.adopt(Thread.currentThread(), null));
        LoopSlot slot = Loops.live()[Loops.live().length - 1];
        try {
            Object instance = woven.getConstructor().newInstance();
            Method handle = woven.getMethod("handle", int.class);
            java.lang.reflect.Field ran = woven.getField("ran");
            long before = slot.seq();
            handle.invoke(instance, 3);
            assertEquals(3, ran.getInt(null), "the guard said false: the body ran");
            Thread.currentThread().interrupt();
            handle.invoke(instance, 3);
            assertEquals(3, ran.getInt(null), "the guard said true: the body was skipped");
            assertFalse(Thread.currentThread().isInterrupted());
            assertEquals(before + 4, slot.seq(), "each call began and ended a task, the skipped one too");
        } finally {
            Thread.interrupted();
            Loops.unregister(slot);
        }
    }

    // ---- helpers ----

    private static void verify(String type, byte[] woven, ClassLoader loader) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(woven), loader, false, new PrintWriter(problems));
        assertEquals("", problems.toString(), type + " does not verify");
    }

    /**
     * Whether the class calls the bridge; fails if a call names a method the bridge does not have as a public
     * static method of exactly that descriptor (woven code would throw {@code NoSuchMethodError} in the JDK).
     */
    private static boolean callsBridge(byte[] bytes) {
        List<String> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String d, String s, String[] e) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.startsWith("dev/loopwatch/bridge/")) {
                            assertEquals(Opcodes.INVOKESTATIC, opcode, owner + "." + method);
                            calls.add(owner + "." + method + desc);
                        }
                    }
                };
            }
        }, 0);
        for (String call : calls) {
            assertTrue(bridgeHas(call), "no public static " + call + " in the bridge");
        }
        return !calls.isEmpty();
    }

    private static boolean bridgeHas(String call) {
        int dot = call.lastIndexOf('.', call.indexOf('('));
        String owner = call.substring(0, dot).replace('/', '.');
        String nameAndDescriptor = call.substring(dot + 1);
        try {
            for (Method m : Class.forName(owner).getMethods()) {
                if (java.lang.reflect.Modifier.isStatic(m.getModifiers())
                        && (m.getName() + org.objectweb.asm.Type.getMethodDescriptor(m)).equals(nameAndDescriptor)) {
                    return true;
                }
            }
        } catch (ClassNotFoundException e) {
            return false;
        }
        return false;
    }

    static byte[] bytes(Class<?> type) throws Exception {
        return appBytes(type.getName().replace('.', '/'));
    }

    private static byte[] appBytes(String internalName) throws Exception {
        try (InputStream in = WeaverTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }

    private static byte[] jdkBytes(String internalName) throws Exception {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }
}
