package dev.loopwatch.core;

import dev.loopwatch.core.config.LoopWatchConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Task names for the frameworks: Reactor scheduler tasks, lambdas, and handler objects the agent stores. */
class FrameworkTaskNamesTest {
    private static final String MY_VERTICLE = FrameworkTaskNamesTest.class.getName() + "$MyVerticle";
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
    void entryIsTheOutermostApplicationFrameAboveTheDispatch() {
        StackTraceElement[] stack = {
                f("com.acme.Prices", "burn"),
                f("com.acme.Poller", "handle"),
                f("io.vertx.core.impl.ContextImpl", "emit"),
                f("io.vertx.core.impl.VertxImpl$InternalTimerHandler", "run"),
                f("io.netty.util.concurrent.ScheduledFutureTask", "run"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertEquals(f("com.acme.Poller", "handle"), analyzer.entry(stack));
        assertEquals("scheduled task com.acme.Poller.handle", analyzer.describeTask(stack));
        StackTraceElement[] frameworkOnly = {
                f("io.vertx.core.impl.ContextImpl", "emit"),
                f("io.netty.util.concurrent.AbstractEventExecutor", "runTask"),
        };
        assertNull(analyzer.entry(frameworkOnly));
        assertNull(analyzer.entry(new StackTraceElement[] {f("com.acme.Prices", "burn")}), "no dispatch frame");
    }

    @Test
    void verticleIsNamedFromAVertx4Context() {
        Vertx4Context context = new Vertx4Context(new Vertx4Deployment(java.util.Set.of(new MyVerticle()), "x"));
        assertEquals("verticle " + MY_VERTICLE + " (com.acme.Poller.handle)",
                HandlerNames.verticle(context, f("com.acme.Poller", "handle")));
        assertEquals("verticle " + MY_VERTICLE, HandlerNames.verticle(context, null));
    }

    @Test
    void verticleIsNamedFromAVertx5Context() {
        Vertx5Context context = new Vertx5Context(new Vertx5DeploymentContext(
                new Vertx5Deployment(java.util.Set.of(new MyVerticle()), "x")));
        assertEquals("verticle " + MY_VERTICLE + " (com.acme.MyVerticle.start)",
                HandlerNames.verticle(context, f("com.acme.MyVerticle", "start")));
    }

    @Test
    void verticleDeployedByNameWithoutInstancesIsNamedByItsIdentifier() {
        Vertx4Context context = new Vertx4Context(new Vertx4Deployment(java.util.Set.of(), "java:com.acme.Named"));
        assertEquals("verticle com.acme.Named", HandlerNames.verticle(context, null));
        Vertx5Context five = new Vertx5Context(new Vertx5DeploymentContext(new Vertx5Deployment(java.util.Set.of(), "js:app.js")));
        assertEquals("verticle js:app.js", HandlerNames.verticle(five, null));
    }

    @Test
    void contextOfNoDeploymentOrNoContextNamesNothing() {
        assertNull(HandlerNames.verticle(new Vertx4Context(null), f("com.acme.Main", "run")));
        assertNull(HandlerNames.verticle(new Vertx5Context(null), null));
        assertNull(HandlerNames.verticle(new Object(), null));
        assertNull(HandlerNames.vertxContext(Thread.currentThread()), "not a Vert.x thread");
    }

    @Test
    void anObjectThatIsNoKnownHandlerNamesNothing() {
        assertNull(HandlerNames.describe(new Object(), null));
        assertNull(HandlerNames.describe("GET /x", f("com.acme.X", "y")));
    }

    /** A verticle, as far as loopwatch cares: any object in the deployment's instances. */
    static final class MyVerticle {
    }

    /** Shaped like Vert.x 4.5's ContextInternal and Deployment (only the methods loopwatch reads). */
    public static final class Vertx4Context {
        private final Vertx4Deployment deployment;

        Vertx4Context(Vertx4Deployment deployment) {
            this.deployment = deployment;
        }

        public Vertx4Deployment getDeployment() {
            return deployment;
        }
    }

    public static final class Vertx4Deployment {
        private final java.util.Set<Object> verticles;
        private final String identifier;

        Vertx4Deployment(java.util.Set<Object> verticles, String identifier) {
            this.verticles = verticles;
            this.identifier = identifier;
        }

        public java.util.Set<Object> getVerticles() {
            return verticles;
        }

        public String verticleIdentifier() {
            return identifier;
        }
    }

    /** Shaped like Vert.x 5's ContextInternal, DeploymentContext and Deployment. */
    public static final class Vertx5Context {
        private final Vertx5DeploymentContext deployment;

        Vertx5Context(Vertx5DeploymentContext deployment) {
            this.deployment = deployment;
        }

        public Vertx5DeploymentContext deployment() {
            return deployment;
        }
    }

    public static final class Vertx5DeploymentContext {
        private final Vertx5Deployment deployment;

        Vertx5DeploymentContext(Vertx5Deployment deployment) {
            this.deployment = deployment;
        }

        public Vertx5Deployment deployment() {
            return deployment;
        }
    }

    public static final class Vertx5Deployment {
        private final java.util.Set<Object> instances;
        private final String identifier;

        Vertx5Deployment(java.util.Set<Object> instances, String identifier) {
            this.instances = instances;
            this.identifier = identifier;
        }

        public java.util.Set<Object> instances() {
            return instances;
        }

        public String identifier() {
            return identifier;
        }
    }
}
