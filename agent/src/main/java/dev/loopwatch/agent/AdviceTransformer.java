package dev.loopwatch.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;

/**
 * Inlines advice into the matched methods of each type it is applied to, the advice resolved once, when this
 * is built. ByteBuddy's {@code AgentBuilder.Transformer.ForAdvice} resolves its advice again for every type
 * it transforms (reads and parses the advice class): measured, about 40 % of the CPU of each transformation
 * while the agent installs, which it does while the application starts (see {@link AgentInstaller}). The
 * advice classes live in the agent's loader and only call the bridge (bootstrap), so one resolution serves
 * every loader.
 */
final class AdviceTransformer implements AgentBuilder.Transformer {
    private final AsmVisitorWrapper.ForDeclaredMethods visitor;

    private AdviceTransformer(AsmVisitorWrapper.ForDeclaredMethods visitor) {
        this.visitor = visitor;
    }

    /** Inlines {@code advice} into {@code methods}. */
    static AdviceTransformer of(ElementMatcher<? super MethodDescription> methods, Advice advice) {
        return new AdviceTransformer(new AsmVisitorWrapper.ForDeclaredMethods().invokable(methods, advice));
    }

    /** This, and also {@code advice} into {@code methods}. */
    AdviceTransformer and(ElementMatcher<? super MethodDescription> methods, Advice advice) {
        return new AdviceTransformer(visitor.invokable(methods, advice));
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                            JavaModule module, ProtectionDomain protectionDomain) {
        return builder.visit(visitor);
    }
}
