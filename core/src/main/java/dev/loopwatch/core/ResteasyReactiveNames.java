package dev.loopwatch.core;

import java.lang.reflect.Field;

/**
 * Names a task of RESTEasy Reactive (Quarkus REST) from its request context, the object the agent stores in the
 * loop's slot where {@code AbstractResteasyReactiveContext.run()} runs the request's handler chain:
 * {@code GET /orders/{id} (com.acme.OrderResource.get)}, the HTTP method, the resource's path template (the
 * class's {@code @Path} and the method's), the resource class and its Java method. All of it is the
 * {@code RuntimeResource} that the context's {@code getTarget()} returns once the request is matched; it is read
 * here, on the watchdog, when a report is made, so the loop pays only the hook's store.
 *
 * <p>Read by reflection through public methods of RESTEasy Reactive 3.x ({@code RuntimeResource.getHttpMethod},
 * {@code getClassPath}, {@code getPath}, {@code getResourceClass}, {@code getJavaMethodName}; the
 * {@code URITemplate}'s public field {@code template}). Null when the request is not matched yet (a stall in a
 * pre-matching filter) or the shapes differ: the task is then named from the stack.
 */
final class ResteasyReactiveNames {
    /** The server side's request context: the REST client's contexts share the base class, not this one. */
    static final String REQUEST_CONTEXT = "org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext";

    private ResteasyReactiveNames() {
    }

    /** Whether {@code handler} is a server request context of RESTEasy Reactive. */
    static boolean isRequestContext(Object handler) {
        return Reflect.superclassNamed(handler.getClass(), REQUEST_CONTEXT) != null;
    }

    /** {@code GET /orders/{id} (com.acme.OrderResource.get)} for the request {@code context} runs, or null. */
    static String describe(Object context) throws ReflectiveOperationException {
        Object target = Reflect.call(context, "getTarget");
        if (target == null) {
            return null;
        }
        Object httpMethod = Reflect.call(target, "getHttpMethod");
        String path = join(template(Reflect.call(target, "getClassPath")), template(Reflect.call(target, "getPath")));
        StringBuilder b = new StringBuilder().append(httpMethod == null ? "*" : httpMethod).append(' ').append(path);
        Object resource = Reflect.call(target, "getResourceClass");
        Object javaMethod = Reflect.call(target, "getJavaMethodName");
        if (resource instanceof Class && javaMethod != null) {
            b.append(" (").append(((Class<?>) resource).getName()).append('.').append(javaMethod).append(')');
        }
        return b.toString();
    }

    /**
     * The resource's path: the class's template then the method's, as JAX-RS joins them ({@code /orders} and
     * {@code /{id}}; a class at {@code /} or a method without {@code @Path} adds nothing).
     */
    static String join(String classPath, String methodPath) {
        String head = classPath == null || classPath.equals("/") ? "" : stripTrailingSlash(classPath);
        String tail = methodPath == null || methodPath.equals("/") ? "" : methodPath;
        String path = head + tail;
        return path.isEmpty() ? "/" : path;
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The text of a {@code URITemplate} (its public field {@code template}), or null. */
    private static String template(Object uriTemplate) throws ReflectiveOperationException {
        if (uriTemplate == null) {
            return null;
        }
        Field f = uriTemplate.getClass().getField("template");
        Object text = f.get(uriTemplate);
        return text == null ? null : text.toString();
    }
}
