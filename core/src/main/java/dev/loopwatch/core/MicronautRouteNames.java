package dev.loopwatch.core;

import java.lang.reflect.Method;

/**
 * Names what the agent stores in the loop's slot for Micronaut 4 as {@code GET /orders/{id} (com.acme.OrderController.get)}:
 * the route's HTTP method and URI template (the template, not the request's path, so that one endpoint has one
 * name), and the controller's class and Java method. The object is either the route match, where Micronaut runs a
 * controller method ({@code RouteExecutor.executeRouteAndConvertBody}), or the request, around the whole of its
 * handling on the loop ({@code NettyRequestLifecycle.handleNormal}), whose route match Micronaut keeps among the
 * request's attributes once it has matched one: that names the work a reactive body does when Micronaut
 * subscribes to it, after the controller method has returned.
 *
 * <p>Reflection on Micronaut's public interfaces ({@code RouteMatch.getRouteInfo()},
 * {@code UriRouteInfo.getHttpMethodName()} and {@code getUriMatchTemplate()}, {@code MethodBasedRouteInfo
 * .getTargetMethod()}, {@code MethodReference.getDeclaringType()} and {@code getMethodName()}), and on the request's
 * {@code attributes} field, looked up by name: loopwatch does not depend on Micronaut. Runs on the watchdog, when it
 * reports, never on the loop; its reads of the request are plain reads of what the loop writes, as the Vert.x route's
 * are, and any failure leaves the task to be named from the stack.
 */
final class MicronautRouteNames {
    static final String ROUTE_MATCH = "io.micronaut.web.router.RouteMatch";
    static final String REQUEST = "io.micronaut.http.HttpRequest";
    /** {@code HttpAttributes.ROUTE_MATCH}: where Micronaut keeps a request's route match once matched. */
    static final String ROUTE_MATCH_ATTRIBUTE = "micronaut.http.route.match";

    private MicronautRouteNames() {
    }

    /** Whether {@code handler} is a Micronaut route match or request. */
    static boolean isMicronaut(Object handler) {
        return isRouteMatch(handler) || implementsNamed(handler.getClass(), REQUEST);
    }

    /**
     * The name of a route match or of a request's matched route; null for a request that has none yet (its filters,
     * or no route at all), which is then named from the stack.
     */
    static String name(Object handler) throws ReflectiveOperationException {
        Object match = isRouteMatch(handler) ? handler : routeMatchOf(handler);
        return match == null ? null : describe(match);
    }

    static boolean isRouteMatch(Object handler) {
        return implementsNamed(handler.getClass(), ROUTE_MATCH);
    }

    /**
     * The request's route match, read from its attributes field, never through {@code getAttributes()}, which makes
     * the map when there is none yet: the watchdog must not change the loop's objects.
     */
    private static Object routeMatchOf(Object request) throws ReflectiveOperationException {
        java.lang.reflect.Field field = Reflect.findField(request.getClass(), "attributes");
        if (field == null) {
            return null;
        }
        Object attributes = field.get(request);
        if (attributes == null) {
            return null;
        }
        Method get = attributes.getClass().getMethod("getValue", CharSequence.class);
        get.setAccessible(true);
        Object match = get.invoke(attributes, ROUTE_MATCH_ATTRIBUTE);
        return match != null && isRouteMatch(match) ? match : null;
    }

    /**
     * {@code GET /orders/{id} (com.acme.OrderController.get)}; for a route without a URI (an error or status route),
     * {@code route (com.acme.Errors.onError)}. Null when the match names no controller method.
     */
    static String describe(Object routeMatch) throws ReflectiveOperationException {
        Object info = Reflect.call(routeMatch, "getRouteInfo");
        if (info == null) {
            return null;
        }
        String target = target(info);
        if (target == null) {
            return null;
        }
        Object template = hasMethod(info, "getUriMatchTemplate") ? Reflect.call(info, "getUriMatchTemplate") : null;
        if (template == null) {
            return "route (" + target + ")";
        }
        return Reflect.call(info, "getHttpMethodName") + " " + template + " (" + target + ")";
    }

    /** {@code com.acme.OrderController.get}: the controller method the route runs. */
    private static String target(Object info) throws ReflectiveOperationException {
        if (!hasMethod(info, "getTargetMethod")) {
            return null;
        }
        Object method = Reflect.call(info, "getTargetMethod");
        Object type = method == null ? null : Reflect.call(method, "getDeclaringType");
        Object name = method == null ? null : Reflect.call(method, "getMethodName");
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
}
