package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's internal {@code jdk.internal.vm.Continuation} (JDK 21+), reached through method handles: the bridge is
 * compiled for JDK 17, where the class does not exist. The agent exports {@code jdk.internal.vm} to the bridge's
 * module before this class initializes (only under {@code action=slice}); a failure here leaves slicing off.
 * Static finals, so that C2 inlines each handle into a direct call.
 */
final class Continuations {
    /** The one scope loopwatch's continuations run in: a yield in it never reaches a virtual thread's. */
    static final Object SCOPE;
    /** {@code new Continuation(SCOPE, target)}: (Object scope, Runnable target) Object. */
    private static final MethodHandle NEW;
    private static final MethodHandle RUN;
    private static final MethodHandle IS_DONE;
    private static final MethodHandle YIELD;

    static {
        try {
            Class<?> scopeType = Class.forName("jdk.internal.vm.ContinuationScope", false, null);
            Class<?> type = Class.forName("jdk.internal.vm.Continuation", false, null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SCOPE = lookup.findConstructor(scopeType, MethodType.methodType(void.class, String.class)).invoke("loopwatch");
            NEW = lookup.findConstructor(type, MethodType.methodType(void.class, scopeType, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = lookup.findVirtual(type, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            IS_DONE = lookup.findVirtual(type, "isDone", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            YIELD = lookup.findStatic(type, "yield", MethodType.methodType(boolean.class, scopeType))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private Continuations() {
    }

    static Object create(Runnable target) throws Throwable {
        return (Object) NEW.invokeExact(SCOPE, target);
    }

    /** Runs the continuation until it yields or ends. */
    static void run(Object continuation) throws Throwable {
        RUN.invokeExact(continuation);
    }

    static boolean isDone(Object continuation) throws Throwable {
        return (boolean) IS_DONE.invokeExact(continuation);
    }

    /**
     * Suspends the continuation mounted on this thread; returns true once it is resumed. Where it cannot (pinned by a
     * native frame, a class initializer, a critical section, or a monitor before JDK 24) the JDK's default
     * {@code onPinned} throws an {@code IllegalStateException("Pinned: REASON")}; the caller catches it in its own
     * frame, so it never reaches application code (nor leaves a {@code <clinit>}, which would break that class).
     */
    static boolean yieldNow() throws Throwable {
        return (boolean) YIELD.invokeExact(SCOPE);
    }
}
