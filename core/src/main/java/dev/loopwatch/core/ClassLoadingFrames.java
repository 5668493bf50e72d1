package dev.loopwatch.core;

import java.util.Set;

/**
 * Tells from a loop's stack whether the JVM is loading or initialising classes for the task: the first requests of a
 * fresh service stall for real in class loading and static initialisers (a WebFlux application's first request takes
 * 300-350 ms without any agent), and a report should say so rather than blame whatever frame the sample landed in.
 */
final class ClassLoadingFrames {
    /** Methods that load, define or link classes (the JVM calls loadClass on its own when code names a new class). */
    private static final Set<String> LOADING = Set.of(
            "java.lang.ClassLoader.loadClass", "java.lang.ClassLoader.defineClass0",
            "java.lang.ClassLoader.defineClass1", "java.lang.ClassLoader.defineClass2",
            "java.lang.ClassLoader.findBootstrapClass", "java.lang.ClassLoader.findLoadedClass0",
            "java.lang.Class.forName0", "java.lang.System$2.defineClass",
            "java.lang.invoke.MethodHandleNatives.linkCallSite",
            "java.lang.invoke.MethodHandleNatives.linkMethodHandleConstant",
            "java.lang.invoke.MethodHandleNatives.linkMethod",
            "java.lang.invoke.MethodHandleNatives.findMethodHandleType",
            "java.lang.invoke.InnerClassLambdaMetafactory.spinInnerClass");
    private static final String CLINIT = "<clinit>";

    private ClassLoadingFrames() {
    }

    /**
     * Whether the frame is where code asked the JVM for a class or a linked call site: {@code loadClass} of any loader,
     * {@code Class.forName}, {@code MethodHandleNatives.link*}. What runs below it is the JDK's work for the frame's
     * caller, which {@link StackAnalyzer#culprit} names. Narrower than {@link #LOADING} and its loader internals, which
     * tell whether a sample's time was class loading at all: a {@code defineClass} that application code calls itself
     * is loading, but its caller, not the JDK's {@code ClassLoader.defineClass}, is what a culprit should name.
     */
    static boolean asksForClass(StackTraceElement frame) {
        String method = frame.getMethodName();
        if (method.equals("loadClass")) {
            return true;
        }
        String cls = frame.getClassName();
        return (cls.equals("java.lang.Class") && method.startsWith("forName"))
                || (cls.equals("java.lang.invoke.MethodHandleNatives") && method.startsWith("link"));
    }

    /** The class whose static initialiser runs (the innermost one), or null. */
    static String initialising(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (CLINIT.equals(frame.getMethodName())) {
                return frame.getClassName();
            }
            if (DispatchPoint.kindOf(frame) != null) {
                break;
            }
        }
        return null;
    }

    /** Whether the frames above the first application frame are loading or linking a class. */
    static boolean loading(StackTraceElement[] stack, StackAnalyzer analyzer) {
        for (StackTraceElement frame : stack) {
            String cls = frame.getClassName();
            if (cls.startsWith("jdk.internal.loader.")
                    || LOADING.contains(cls + "." + frame.getMethodName())) {
                return true;
            }
            if (!analyzer.isFramework(cls)) {
                return false;
            }
        }
        return false;
    }
}
