package dev.loopwatch.core;

import dev.loopwatch.core.config.LoopWatchConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Task names for the frameworks: Reactor scheduler tasks, lambdas, and handler objects the agent stores. */
class FrameworkTaskNamesTest {
    private final StackAnalyzer analyzer = new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64);

    private static StackTraceElement f(String cls, String method) {
        return new StackTraceElement(cls, method, "X.java", 10);
    }

    @Test
    void reactorSchedulerTaskIsADispatchAndLambdaFramesAreSkipped() {
        StackTraceElement[] stack = {
                f("com.acme.Prices", "burn"),
                f("com.acme.PriceController", "lambda$parallel$0"),
                f("com.acme.PriceController$$Lambda/0x0000000801234", "call"),
                f("reactor.core.publisher.MonoCallable", "subscribe"),
                f("reactor.core.scheduler.WorkerTask", "call"),
                f("java.util.concurrent.FutureTask", "run"),
        };
        assertEquals("task com.acme.PriceController.lambda$parallel$0", analyzer.describeTask(stack));
        assertEquals("com.acme.Prices", analyzer.culprit(stack).getClassName());
    }

    @Test
    void springAndGrpcFramesAreNotTheTask() {
        StackTraceElement[] stack = {
                f("com.acme.OrderController", "create"),
                f("org.springframework.web.reactive.result.method.InvocableHandlerMethod", "invoke"),
                f("reactor.netty.http.server.HttpServerOperations", "onInboundNext"),
                f("io.netty.channel.epoll.AbstractEpollStreamChannel$EpollStreamUnsafe", "epollInReady"),
                f("io.netty.channel.epoll.EpollIoHandler$DefaultEpollIoRegistration", "handle"),
        };
        assertEquals("I/O com.acme.OrderController.create", analyzer.describeTask(stack));
    }

    @Test
    void lambdaHandlerClassIsItsWritingClass() {
        Runnable r = () -> { };
        assertEquals(FrameworkTaskNamesTest.class.getName(), HandlerNames.className(r));
        assertEquals("java.lang.String", HandlerNames.className("x"));
    }

    @Test
    void anObjectThatIsNoKnownHandlerNamesNothing() {
        assertNull(HandlerNames.describe(new Object()));
        assertNull(HandlerNames.describe("GET /x"));
    }
}
