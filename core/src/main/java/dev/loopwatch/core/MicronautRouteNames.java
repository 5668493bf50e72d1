package dev.loopwatch.core;

import java.lang.reflect.Method;

/**
 * Names a Micronaut 4 route match (the object the agent stores in the loop's slot where Micronaut runs a controller
 * method, {@code RouteExecutor.executeRouteAndConvertBody}) as {@code GET /orders/{id} (com.acme.OrderController.get)}:
 * the route's HTTP method and URI template (the template, not the request's path, so that one endpoint has one
 * name), and the controller's class and Java method.
 *
 * <p>Reflection on Micronaut's public interfaces only ({@code RouteMatch.getRouteInfo()},
 * {@code UriRouteInfo.getHttpMethodName()} and {@code getUriMatchTemplate()}, {@code MethodBasedRouteInfo
 * .getTargetMethod()}, {@code MethodReference.getDeclaringType()} and {@code getMethodName()}), looked up by name:
 * loopwatch does not depend on Micronaut. Runs on the watchdog, when it reports, never on the loop.
 */
final class MicronautRouteNames {
    static final String ROUTE_MATCH = "io.micronaut.web.router.RouteMatch";

    private MicronautRouteNames() {
    }

    /** Whether {@code handler} is a Micronaut route match. */
    static boolean isRouteMatch(Object handler) {
        return implementsNamed(handler.getClass(), ROUTE_MATCH);
    }

    /**
     * {@code GET /orders/{id} (com.acme.OrderController.get)}; for a route without a URI (an error or status route),
     * {@code route (com.acme.Errors.onError)}. Null when the match names no controller method.
     */
    static String describe(Object routeMatch) throws ReflectiveOperationException {
        Object info = call(routeMatch, "getRouteInfo");
        if (info == null) {
            return null;
        }
        String target = target(info);
        if (target == null) {
            return null;
        }
        Object template = hasMethod(info, "getUriMatchTemplate") ? call(info, "getUriMatchTemplate") : null;
        if (template == null) {
            return "route (" + target + ")";
        }
        return call(info, "getHttpMethodName") + " " + template + " (" + target + ")";
    }

    /** {@code com.acme.OrderController.get}: the controller method the route runs. */
    private static String target(Object info) throws ReflectiveOperationException {
        if (!hasMethod(info, "getTargetMethod")) {
            return null;
        }
        Object method = call(info, "getTargetMethod");
        Object type = method == null ? null : call(method, "getDeclaringType");
        Object name = method == null ? null : call(method, "getMethodName");
        if (!(type instanceof Class) || name == null) {
            return null;
        }
        return ((Class<?>) type).getName() + "." + name;
    }

    private static boolean implementsNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(name) || implementsNamed(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasMethod(Object target, String name) {
        try {
            target.getClass().getMethod(name);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Calls a public no-argument method through the public interface that declares it: Micronaut's route classes
     * may be package-private, and their public methods are then not callable through the class.
     */
    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(name);
        Method callable = viaPublicType(target.getClass(), m);
        if (callable == null) {
            m.setAccessible(true);
            callable = m;
        }
        return callable.invoke(target);
    }

    private static Method viaPublicType(Class<?> type, Method m) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(m.getName());
                } catch (NoSuchMethodException e) {
                    // an interface's default method: below
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method found = viaPublicType(i, m);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
