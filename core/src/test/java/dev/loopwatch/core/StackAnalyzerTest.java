package dev.loopwatch.core;

import dev.loopwatch.core.config.LoopWatchConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StackAnalyzerTest {
    private final StackAnalyzer analyzer = new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64);

    private static StackTraceElement f(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 10);
    }

    private static final StackTraceElement[] SLEEP_IN_HANDLER = {
            f("java.lang.Thread", "sleep"),
            f("com.acme.Service", "load"),
            f("com.acme.Handler", "channelRead0"),
            f("io.netty.channel.SimpleChannelInboundHandler", "channelRead"),
            f("io.netty.channel.nio.AbstractNioByteChannel$NioByteUnsafe", "read"),
            f("io.netty.channel.nio.NioIoHandler$DefaultNioRegistration", "handle"),
            f("io.netty.channel.nio.NioIoHandler", "processSelectedKey"),
            f("io.netty.channel.SingleThreadIoEventLoop", "run"),
    };

    @Test
    void culpritIsTheFirstApplicationFrame() {
        assertEquals("com.acme.Service", analyzer.culprit(SLEEP_IN_HANDLER).getClassName());
    }

    @Test
    void taskIsTheDispatchKindAndTheOutermostApplicationFrame() {
        assertEquals("I/O com.acme.Handler.channelRead0", analyzer.describeTask(SLEEP_IN_HANDLER));
        StackTraceElement[] scheduled = {
                f("com.acme.Job", "spin"),
                f("com.acme.Job", "run"),
                f("io.netty.util.concurrent.PromiseTask", "runTask"),
                f("io.netty.util.concurrent.ScheduledFutureTask", "run"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "safeExecute"),
        };
        assertEquals("scheduled task com.acme.Job.run", analyzer.describeTask(scheduled));
        StackTraceElement[] shadedEpoll41 = {
                f("com.acme.Grpc", "call"),
                f("io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoop", "processReady"),
        };
        assertEquals("I/O com.acme.Grpc.call", analyzer.describeTask(shadedEpoll41));
    }

    @Test
    void lambdaProxyFramesAreSkippedForTheirBody() {
        StackTraceElement[] lambda = {
                f("com.acme.Routes", "spin"),
                f("com.acme.Routes", "lambda$start$0"),
                f("com.acme.Routes$$Lambda/0x00007f3c2c0a1234", "get"),
                f("reactor.core.publisher.MonoSupplier", "call"),
                f("io.netty.channel.epoll.EpollIoHandler$DefaultEpollIoRegistration", "handle"),
        };
        assertEquals("I/O com.acme.Routes.lambda$start$0", analyzer.describeTask(lambda));
        assertEquals("spin", analyzer.culprit(lambda).getMethodName());
    }

    @Test
    void frameworkOnlyStacksStillNameSomething() {
        StackTraceElement[] nettyOnly = {
                f("io.netty.channel.AbstractChannelHandlerContext$WriteTask", "run"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals("task io.netty.channel.AbstractChannelHandlerContext$WriteTask.run",
                analyzer.describeTask(nettyOnly));
        assertEquals("io.netty.channel.AbstractChannelHandlerContext$WriteTask",
                analyzer.culprit(nettyOnly).getClassName());
        assertEquals("unknown task", analyzer.describeTask(new StackTraceElement[] {f("com.acme.X", "y")}));
    }

    /** A fresh Netty 4.2 loop's first allocation starts JFR in a class initialiser: that is what explains it. */
    @Test
    void aFrameworkOnlyStallInAStaticInitialiserNamesTheInitialiser() {
        StackTraceElement[] jfrStart = {
                f("jdk.jfr.internal.Type", "getKnownType"),
                f("jdk.jfr.internal.TypeLibrary", "createType"),
                f("io.netty.buffer.AllocateChunkEvent", "<clinit>"),
                f("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "<init>"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals("io.netty.buffer.AllocateChunkEvent.<clinit>", analyzer.culprit(jfrStart).getClassName() + "."
                + analyzer.culprit(jfrStart).getMethodName());
    }

    /** A sample taken inside a JDK initialiser that the framework's runs: the framework's explains the stall. */
    @Test
    void aNestedStaticInitialiserNamesTheOutermostOne() {
        StackTraceElement[] nested = {
                f("jdk.jfr.internal.TypeLibrary", "<init>"),
                f("jdk.jfr.internal.MetadataRepository", "<clinit>"),
                f("jdk.jfr.FlightRecorder", "register"),
                f("io.netty.buffer.AllocateChunkEvent", "<clinit>"),
                f("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "<init>"),
                f("io.netty.channel.nio.NioIoHandler$DefaultNioRegistration", "handle"),
                f("io.netty.util.concurrent.SomethingOutside", "<clinit>"),
        };
        StackTraceElement culprit = analyzer.culprit(nested);
        assertEquals("io.netty.buffer.AllocateChunkEvent.<clinit>", culprit.getClassName() + "." + culprit.getMethodName());
    }

    /** A fresh Vert.x server's first connection links a lambda: the frame whose call site it is explains it. */
    @Test
    void aFrameworkOnlyStallLinkingACallSiteNamesTheFrameThatAskedForIt() {
        StackTraceElement[] linking = {
                f("jdk.internal.org.objectweb.asm.MethodWriter", "visitLabel"),
                f("java.lang.invoke.InnerClassLambdaMetafactory", "spinInnerClass"),
                f("java.lang.invoke.CallSite", "makeSite"),
                f("java.lang.invoke.MethodHandleNatives", "linkCallSiteImpl"),
                f("java.lang.invoke.MethodHandleNatives", "linkCallSite"),
                f("io.vertx.core.http.impl.HttpServerWorker", "configureHttp1Handler"),
                f("io.netty.channel.nio.NioEventLoop", "processSelectedKey"),
        };
        assertEquals("configureHttp1Handler", analyzer.culprit(linking).getMethodName());
        StackTraceElement[] loading = {
                f("java.lang.ClassLoader", "defineClass1"),
                f("jdk.internal.loader.BuiltinClassLoader", "loadClass"),
                f("java.lang.ClassLoader", "loadClass"),
                f("java.lang.Class", "forName0"),
                f("java.lang.Class", "forName"),
                f("io.vertx.core.impl.transports.JDKTransport", "serverChannelFactory"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals("serverChannelFactory", analyzer.culprit(loading).getMethodName());
        StackTraceElement[] loadingAtTheDispatch = {
                f("java.lang.ClassLoader", "loadClass"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals("loadClass", analyzer.culprit(loadingAtTheDispatch).getMethodName(), "the top frame");
    }

    /** Netty's first look at a handler's annotations spins a proxy class: Netty's frame called into the JDK. */
    @Test
    void aFrameworkOnlyStallInsideTheJdkNamesTheFrameworkFrameThatCalledIt() {
        StackTraceElement[] proxy = {
                f("jdk.internal.org.objectweb.asm.SymbolTable", "addConstantUtf8Reference"),
                f("java.lang.reflect.ProxyGenerator", "generateClassFile"),
                f("sun.reflect.annotation.AnnotationParser", "parseAnnotations"),
                f("java.lang.reflect.Method", "getAnnotation"),
                f("io.netty.channel.ChannelHandlerMask$2", "run"),
                f("io.netty.channel.ChannelHandlerMask", "isSkippable"),
                f("io.netty.channel.nio.NioEventLoop", "processSelectedKey"),
        };
        assertEquals("io.netty.channel.ChannelHandlerMask$2", analyzer.culprit(proxy).getClassName());
        StackTraceElement[] jdkOnly = {
                f("java.util.HashMap", "resize"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals("java.util.HashMap", analyzer.culprit(jdkOnly).getClassName(), "the top frame");
    }

    @Test
    void trimKeepsFramesDownToTheDispatchAndAtMostTheDepth() {
        assertEquals(6, analyzer.trim(SLEEP_IN_HANDLER).size());
        assertEquals(List.of(SLEEP_IN_HANDLER[0], SLEEP_IN_HANDLER[1]),
                new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 2).trim(SLEEP_IN_HANDLER));
    }

    @Test
    void userExclusionsMoveTheCulprit() {
        StackAnalyzer custom = new StackAnalyzer(List.of("java.", "com.acme.Service"), 64);
        assertEquals("com.acme.Handler", custom.culprit(SLEEP_IN_HANDLER).getClassName());
    }
}
