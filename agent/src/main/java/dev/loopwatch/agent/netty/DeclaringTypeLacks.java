package dev.loopwatch.agent.netty;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Matches methods whose declaring type has no method of the given name: used to hook Netty's older
 * {@code safeExecute} only where the newer, narrower {@code runTask} does not exist, so that a task
 * is never looked up twice.
 */
final class DeclaringTypeLacks extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
    private final String methodName;

    DeclaringTypeLacks(String methodName) {
        this.methodName = methodName;
    }

    @Override
    public boolean matches(MethodDescription method) {
        return method.getDeclaringType().asErasure().getDeclaredMethods().filter(named(methodName)).isEmpty();
    }
}
