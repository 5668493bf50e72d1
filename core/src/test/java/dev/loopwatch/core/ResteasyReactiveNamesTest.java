package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RESTEasy Reactive's request context, read through objects shaped like its RuntimeResource and URITemplate. */
class ResteasyReactiveNamesTest {

    @Test
    void resourceMethodIsNamedWithItsTemplateClassAndMethod() throws Exception {
        Context context = new Context(new Resource("GET", "/orders", "/{id}", OrderResource.class, "get"));
        assertEquals("GET /orders/{id} (" + OrderResource.class.getName() + ".get)",
                ResteasyReactiveNames.describe(context));
    }

    @Test
    void classAtTheRootOrMethodWithoutPathAddsNoSlash() {
        assertEquals("/spin", ResteasyReactiveNames.join("/", "/spin"));
        assertEquals("/orders", ResteasyReactiveNames.join("/orders", "/"));
        assertEquals("/orders/{id}", ResteasyReactiveNames.join("/orders/", "/{id}"));
        assertEquals("/", ResteasyReactiveNames.join("/", "/"));
        assertEquals("/x", ResteasyReactiveNames.join(null, "/x"));
    }

    @Test
    void requestNotMatchedYetNamesNothing() throws Exception {
        assertNull(ResteasyReactiveNames.describe(new Context(null)));
    }

    @Test
    void resourceWithoutClassOrMethodIsNamedByItsPath() throws Exception {
        Context context = new Context(new Resource("POST", null, "/x", null, null));
        assertEquals("POST /x", ResteasyReactiveNames.describe(context));
    }

    @Test
    void otherObjectsAreNoRequestContext() {
        assertFalse(ResteasyReactiveNames.isRequestContext(new Object()));
        assertFalse(ResteasyReactiveNames.isRequestContext(new Context(null)), "only by its class's name");
        assertNull(HandlerNames.describe(new Context(null), null));
    }

    static final class OrderResource {
    }

    /** Shaped like ResteasyReactiveRequestContext (only what loopwatch reads). */
    public static final class Context {
        private final Resource target;

        Context(Resource target) {
            this.target = target;
        }

        public Resource getTarget() {
            return target;
        }
    }

    /** Shaped like RuntimeResource. */
    public static final class Resource {
        private final String httpMethod;
        private final Template classPath;
        private final Template path;
        private final Class<?> resourceClass;
        private final String javaMethodName;

        Resource(String httpMethod, String classPath, String path, Class<?> resourceClass, String javaMethodName) {
            this.httpMethod = httpMethod;
            this.classPath = classPath == null ? null : new Template(classPath);
            this.path = new Template(path);
            this.resourceClass = resourceClass;
            this.javaMethodName = javaMethodName;
        }

        public String getHttpMethod() {
            return httpMethod;
        }

        public Template getClassPath() {
            return classPath;
        }

        public Template getPath() {
            return path;
        }

        public Class<?> getResourceClass() {
            return resourceClass;
        }

        public String getJavaMethodName() {
            return javaMethodName;
        }
    }

    /** Shaped like URITemplate: the text in a public field. */
    public static final class Template {
        public final String template;

        Template(String template) {
            this.template = template;
        }
    }
}
