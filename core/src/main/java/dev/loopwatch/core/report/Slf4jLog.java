package dev.loopwatch.core.report;

import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * The application's own SLF4J, reached by reflection through the application's class loader: the agent
 * jar carries no SLF4J (it must never add a provider), and in a fat jar or an application server the
 * application's SLF4J is not visible from the agent's class loader anyway.
 */
final class Slf4jLog implements AppLog {
    static final String LOGGER_NAME = "loopwatch";

    private final Object logger;
    private final Method warn;
    private final Method info;

    private Slf4jLog(Object logger, Method warn, Method info) {
        this.logger = logger;
        this.warn = warn;
        this.info = info;
    }

    /**
     * The application's SLF4J if it has the API and a provider (SLF4J 2 service or 1.x binder); else
     * standard error. Without a provider SLF4J would print its "no providers" notice and drop everything.
     */
    static AppLog find(ClassLoader loader, PrintStream fallback) {
        if (loader != null && hasProvider(loader)) {
            try {
                Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, loader);
                Class<?> loggerType = Class.forName("org.slf4j.Logger", false, loader);
                Object logger = factory.getMethod("getLogger", String.class).invoke(null, LOGGER_NAME);
                return new Slf4jLog(logger, loggerType.getMethod("warn", String.class),
                        loggerType.getMethod("info", String.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to stderr: an unusable SLF4J must not cost the report
            }
        }
        return new StderrLog(fallback);
    }

    private static boolean hasProvider(ClassLoader loader) {
        return loader.getResource("org/slf4j/LoggerFactory.class") != null
                && (loader.getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null
                || loader.getResource("org/slf4j/impl/StaticLoggerBinder.class") != null);
    }

    @Override
    public void warn(String message) {
        call(warn, message);
    }

    @Override
    public void info(String message) {
        call(info, message);
    }

    private void call(Method method, String message) {
        try {
            method.invoke(logger, message);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("SLF4J call failed", e);
        }
    }

    @Override
    public String name() {
        return "slf4j";
    }
}
