package dev.loopwatch.agent;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumentation point: which type, which of its declared methods, and the advice inlined there.
 *
 * @param type    the instrumented types (matched by name: never loads a class)
 * @param methods the methods declared by those types that get the advice
 * @param advice  the advice class, read from the agent jar and inlined
 */
public record Hook(ElementMatcher<? super TypeDescription> type, ElementMatcher<? super MethodDescription> methods,
                   Class<?> advice) {
}
