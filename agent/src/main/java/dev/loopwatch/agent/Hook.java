package dev.loopwatch.agent;

import dev.loopwatch.agent.weave.Advice;
import dev.loopwatch.agent.weave.MethodMatch;
import dev.loopwatch.agent.weave.TypeMatch;

/**
 * One instrumentation point: which classes, which of the methods they declare, and the advice woven there.
 *
 * @param type           the instrumented classes (matched by name: never loads a class)
 * @param methods        the methods declared by those classes that get the advice (never abstract or native ones)
 * @param advice         what is woven in
 * @param unlessDeclared a method name: the hook applies only to a class that declares no method of that name
 *                       (Netty's older {@code safeExecute} where the newer {@code runTask} is absent); null: always
 */
public record Hook(TypeMatch type, MethodMatch methods, Advice advice, String unlessDeclared) {
    public Hook(TypeMatch type, MethodMatch methods, Advice advice) {
        this(type, methods, advice, null);
    }
}
