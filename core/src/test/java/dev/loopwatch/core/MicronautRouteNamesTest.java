package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Micronaut route names, from objects shaped like Micronaut 4's route match, route info and method handle. */
class MicronautRouteNamesTest {

    @Test
    void uriRouteIsNamedByMethodTemplateAndControllerMethod() throws Exception {
        Match match = new Match(new UriInfo("GET", "/orders/{id}", new Handle(OrderController.class, "get")));
        assertEquals("GET /orders/{id} (" + OrderController.class.getName() + ".get)", MicronautRouteNames.describe(match));
    }

    @Test
    void routeWithoutUriIsNamedByItsControllerMethod() throws Exception {
        Match match = new Match(new ErrorInfo(new Handle(OrderController.class, "onError")));
        assertEquals("route (" + OrderController.class.getName() + ".onError)", MicronautRouteNames.describe(match));
    }

    @Test
    void matchWithoutControllerMethodNamesNothing() throws Exception {
        assertNull(MicronautRouteNames.describe(new Match(null)));
        assertNull(MicronautRouteNames.describe(new Match(new ErrorInfo(null))));
    }

    @Test
    void otherObjectsAreNoRouteMatch() {
        assertFalse(MicronautRouteNames.isRouteMatch(new Match(null)), "only Micronaut's own interface counts");
        assertFalse(MicronautRouteNames.isRouteMatch("GET /x"));
        assertNull(HandlerNames.describe(new Match(null), null));
    }

    static final class OrderController {
    }

    public static final class Match {
        private final Object info;

        Match(Object info) {
            this.info = info;
        }

        public Object getRouteInfo() {
            return info;
        }
    }

    public static final class UriInfo {
        private final String method;
        private final String template;
        private final Handle target;

        UriInfo(String method, String template, Handle target) {
            this.method = method;
            this.template = template;
            this.target = target;
        }

        public String getHttpMethodName() {
            return method;
        }

        public Object getUriMatchTemplate() {
            return new Object() {
                @Override
                public String toString() {
                    return template;
                }
            };
        }

        public Handle getTargetMethod() {
            return target;
        }
    }

    public static final class ErrorInfo {
        private final Handle target;

        ErrorInfo(Handle target) {
            this.target = target;
        }

        public Handle getTargetMethod() {
            return target;
        }
    }

    public static final class Handle {
        private final Class<?> type;
        private final String name;

        Handle(Class<?> type, String name) {
            this.type = type;
            this.name = name;
        }

        public Class<?> getDeclaringType() {
            return type;
        }

        public String getMethodName() {
            return name;
        }
    }
}
