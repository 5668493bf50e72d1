package dev.loopwatch.core;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Turns the framework object a stalled task was dispatching to (see {@code LoopSlot.handler()}) into the
 * {@code task} text: {@code GET /spin (com.acme.SpinHandler)} for a Vert.x web route,
 * {@code event bus 'orders.new' (com.acme.OrderConsumer)} for an event-bus consumer.
 *
 * <p>Runs on the watchdog only, when a stall is reported, so it may use reflection: the loop never pays
 * for names. Vert.x types are looked up by name (loopwatch has no Vert.x dependency), and the same code
 * reads Vert.x 4.5 and 5, whose internals used here are the same. Any failure gives null, and the task is
 * then named from the stack as for any Netty task.
 */
final class HandlerNames {
    static final String ROUTING_CONTEXT = "io.vertx.ext.web.impl.RoutingContextImplBase";
    static final String HANDLER_REGISTRATION = "io.vertx.core.eventbus.impl.HandlerRegistration";

    private HandlerNames() {
    }

    /** The task's name from its handler object, or null when the object is not understood. */
    static String describe(Object handler) {
        try {
            Class<?> routing = superclassNamed(handler.getClass(), ROUTING_CONTEXT);
            if (routing != null) {
                return route(handler, routing);
            }
            Class<?> registration = superclassNamed(handler.getClass(), HANDLER_REGISTRATION);
            if (registration != null) {
                return eventBus(handler, registration);
            }
            return null;
        } catch (Throwable t) {
            return null; // the stack still names the task
        }
    }

    /** {@code GET /spin (com.acme.SpinHandler)}: the request's method, the route, the route's current handler. */
    private static String route(Object context, Class<?> base) throws ReflectiveOperationException {
        Object request = call(context, "request");
        Object method = request == null ? null : call(request, "method");
        Object state = field(base, "currentRoute").get(context);
        StringBuilder b = new StringBuilder();
        b.append(method == null ? "?" : call(method, "name"));
        Object path = state == null ? null : call(state, "getName");
        b.append(' ').append(path == null ? "(any path)" : path);
        if (state != null) {
            Method index = base.getDeclaredMethod("currentRouteNextHandlerIndex");
            index.setAccessible(true);
            int next = (Integer) index.invoke(context);
            Object handlers = field(state.getClass(), "contextHandlers").get(state);
            if (handlers instanceof List && next >= 1 && next <= ((List<?>) handlers).size()) {
                b.append(" (").append(className(((List<?>) handlers).get(next - 1))).append(')');
            }
        }
        return b.toString();
    }

    /** {@code event bus 'orders.new' (com.acme.OrderConsumer)}. */
    private static String eventBus(Object registration, Class<?> base) throws ReflectiveOperationException {
        Object address = field(base, "address").get(registration);
        StringBuilder b = new StringBuilder("event bus '").append(address).append('\'');
        Field handler = findField(registration.getClass(), "handler");
        Object h = handler == null ? null : handler.get(registration);
        if (h != null) {
            b.append(" (").append(className(h)).append(')');
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

    private static Class<?> superclassNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = findField(type, name);
        if (f == null) {
            throw new NoSuchFieldException(type.getName() + "." + name);
        }
        return f;
    }

    private static Field findField(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        return null;
    }

    /** Calls a public no-argument method, through a public type that declares it (impl classes may not be public). */
    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method m = publicMethod(target.getClass(), name);
        if (m == null) {
            m = target.getClass().getMethod(name);
            m.setAccessible(true);
        }
        return m.invoke(target);
    }

    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method m = publicMethod(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }
}
