package dev.loopwatch.core;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Turns the framework object a stalled task was dispatching to (see {@code LoopSlot.handler()}) into the
 * {@code task} text: {@code GET /spin (com.acme.SpinHandler)} for a Vert.x web route,
 * {@code event bus 'orders.new' (com.acme.OrderConsumer)} for an event-bus consumer,
 * {@code grpc helloworld.Greeter/SayHello (com.acme.GreeterImpl.sayHello)} for a gRPC call's event run on a
 * loop ({@code directExecutor()}), {@code GET /orders/{id} (com.acme.OrderController.get)} for a Micronaut
 * controller method ({@link MicronautRouteNames}), {@code GET /orders/{id} (com.acme.OrderResource.get)} for a
 * RESTEasy Reactive (Quarkus REST) resource method ({@link ResteasyReactiveNames}). Any other task that a Vert.x
 * event loop runs for a deployed verticle (its {@code start}, a timer, a {@code runOnContext} callback) is named
 * after the verticle,
 * {@code verticle com.acme.MyVerticle (com.acme.Poller.handle)}: from the context that Vert.x itself keeps as
 * the thread's current one ({@code VertxThread.context}, set and restored around every dispatch, in 4.5 and 5
 * alike), read here, so the loop pays nothing for it.
 *
 * <p>Runs on the watchdog only, when a stall is reported, so it may use reflection: the loop never pays
 * for names. Vert.x and gRPC types are looked up by name (loopwatch depends on neither), and the same code
 * reads Vert.x 4.5 and 5, whose internals used here are the same or told apart by method name. Any failure
 * gives null, and the task is then named from the stack as for any Netty task.
 */
final class HandlerNames {
    static final String ROUTING_CONTEXT = "io.vertx.ext.web.impl.RoutingContextImplBase";
    static final String HANDLER_REGISTRATION = "io.vertx.core.eventbus.impl.HandlerRegistration";
    static final String VERTX_THREAD = "io.vertx.core.impl.VertxThread";
    static final String GRPC_CALL_LISTENER = "io.grpc.internal.ServerCallImpl$ServerStreamListenerImpl";

    /** {@code VertxThread.context}, per thread class (null for other threads); held as long as the class is. */
    private static final ClassValue<Field> CONTEXT_FIELD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            Class<?> vertxThread = Reflect.superclassNamed(type, VERTX_THREAD);
            if (vertxThread == null) {
                return null;
            }
            try {
                Field f = vertxThread.getDeclaredField("context");
                f.setAccessible(true);
                return f;
            } catch (Throwable t) {
                return null; // another Vert.x, or a module that does not open it: named from the stack
            }
        }
    };

    private HandlerNames() {
    }

    /**
     * The task's name from its handler object, or null when the object is not understood. {@code entry}, the
     * frame the task entered (may be null), completes names whose object does not tell the application's class.
     */
    static String describe(Object handler, StackTraceElement entry) {
        try {
            Class<?> routing = Reflect.superclassNamed(handler.getClass(), ROUTING_CONTEXT);
            if (routing != null) {
                return route(handler, routing);
            }
            Class<?> registration = Reflect.superclassNamed(handler.getClass(), HANDLER_REGISTRATION);
            if (registration != null) {
                return eventBus(handler, registration);
            }
            if (handler.getClass().getName().equals(GRPC_CALL_LISTENER)) {
                return grpc(handler, entry);
            }
            if (MicronautRouteNames.isMicronaut(handler)) {
                return MicronautRouteNames.name(handler);
            }
            if (ResteasyReactiveNames.isRequestContext(handler)) {
                return ResteasyReactiveNames.describe(handler);
            }
            return null;
        } catch (Throwable t) {
            return null; // the stack still names the task
        }
    }

    /**
     * The Vert.x context whose task {@code thread} runs now, or null (not a Vert.x thread, or between
     * tasks). A plain read of a field only the loop thread writes: the watchdog reads it around its stack
     * sample, as it does the slot's handler.
     */
    static Object vertxContext(Thread thread) {
        try {
            Field f = CONTEXT_FIELD.get(thread.getClass());
            return f == null ? null : f.get(thread);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * {@code verticle com.acme.MyVerticle (com.acme.Poller.handle)}: the verticle whose deployment
     * {@code context} belongs to, and the frame its task entered ({@code entry}, may be null). Null when the
     * context belongs to no deployment (a context made outside any verticle) or is not understood.
     */
    static String verticle(Object context, StackTraceElement entry) {
        try {
            String name = verticleName(deploymentOf(context));
            if (name == null) {
                return null;
            }
            return withEntry(new StringBuilder("verticle ").append(name), entry);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Vert.x 4.5: {@code ContextInternal.getDeployment()}; 5: {@code ContextInternal.deployment().deployment()}. */
    private static Object deploymentOf(Object context) throws ReflectiveOperationException {
        Method v4 = Reflect.publicMethod(context.getClass(), "getDeployment");
        if (v4 != null) {
            return v4.invoke(context);
        }
        Object deploymentContext = Reflect.call(context, "deployment");
        return deploymentContext == null ? null : Reflect.call(deploymentContext, "deployment");
    }

    /**
     * The class of the deployment's verticle instances (4.5: {@code getVerticles()}, 5: {@code instances()});
     * else its identifier without the {@code java:} prefix (a verticle deployed by name).
     */
    private static String verticleName(Object deployment) throws ReflectiveOperationException {
        if (deployment == null) {
            return null;
        }
        Method instances = Reflect.publicMethod(deployment.getClass(), "getVerticles");
        if (instances == null) {
            instances = Reflect.publicMethod(deployment.getClass(), "instances");
        }
        Object verticles = instances == null ? null : instances.invoke(deployment);
        if (verticles instanceof java.util.Collection && !((java.util.Collection<?>) verticles).isEmpty()) {
            return className(((java.util.Collection<?>) verticles).iterator().next());
        }
        Method identifier = Reflect.publicMethod(deployment.getClass(), "verticleIdentifier");
        if (identifier == null) {
            identifier = Reflect.publicMethod(deployment.getClass(), "identifier");
        }
        Object id = identifier == null ? null : identifier.invoke(deployment);
        if (id == null) {
            return null;
        }
        String text = id.toString();
        return text.startsWith("java:") ? text.substring(5) : text;
    }

    /** {@code GET /spin (com.acme.SpinHandler)}: the request's method, the route, the route's current handler. */
    private static String route(Object context, Class<?> base) throws ReflectiveOperationException {
        Object request = Reflect.call(context, "request");
        Object method = request == null ? null : Reflect.call(request, "method");
        Object state = Reflect.field(base, "currentRoute").get(context);
        StringBuilder b = new StringBuilder();
        b.append(method == null ? "?" : Reflect.call(method, "name"));
        Object path = state == null ? null : Reflect.call(state, "getName");
        b.append(' ').append(path == null ? "(any path)" : path);
        if (state != null) {
            Method index = base.getDeclaredMethod("currentRouteNextHandlerIndex");
            index.setAccessible(true);
            int next = (Integer) index.invoke(context);
            Object handlers = Reflect.field(state.getClass(), "contextHandlers").get(state);
            if (handlers instanceof List && next >= 1 && next <= ((List<?>) handlers).size()) {
                b.append(" (").append(className(((List<?>) handlers).get(next - 1))).append(')');
            }
        }
        return b.toString();
    }

    /** {@code event bus 'orders.new' (com.acme.OrderConsumer)}. */
    private static String eventBus(Object registration, Class<?> base) throws ReflectiveOperationException {
        Object address = Reflect.field(base, "address").get(registration);
        StringBuilder b = new StringBuilder("event bus '").append(address).append('\'');
        Field handler = Reflect.findField(registration.getClass(), "handler");
        Object h = handler == null ? null : handler.get(registration);
        if (h != null) {
            b.append(" (").append(className(h)).append(')');
        }
        return b.toString();
    }

    /**
     * {@code grpc helloworld.Greeter/SayHello (com.acme.GreeterImpl.sayHello)}: the RPC of the call whose
     * event grpc-core was delivering to the application, and the frame the task entered.
     */
    private static String grpc(Object listener, StackTraceElement entry) throws ReflectiveOperationException {
        Object call = Reflect.field(listener.getClass(), "call").get(listener);
        Object method = call == null ? null : Reflect.call(call, "getMethodDescriptor");
        Object name = method == null ? null : Reflect.call(method, "getFullMethodName");
        if (name == null) {
            return null;
        }
        return withEntry(new StringBuilder("grpc ").append(name), entry);
    }

    /** Appends {@code " (com.acme.Poller.handle)"} when there is an entry frame. */
    private static String withEntry(StringBuilder b, StackTraceElement entry) {
        if (entry != null) {
            b.append(" (").append(entry.getClassName()).append('.').append(entry.getMethodName()).append(')');
        }
        return b.toString();
    }

    /** The handler's class; for a lambda, the class that wrote it. */
    static String className(Object o) {
        if (o == null) {
            return "null";
        }
        String name = o.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda > 0 ? name.substring(0, lambda) : name;
    }
}
