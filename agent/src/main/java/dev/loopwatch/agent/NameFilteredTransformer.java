package dev.loopwatch.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.function.Predicate;

/**
 * A ByteBuddy transformer behind a test of the class's name: a class that none of the builder's types can
 * match never enters ByteBuddy. Why: the JVM calls every transformer for every class it loads, and ByteBuddy's
 * own path for a class it then ignores (class-file locator, type pool, type description, matchers) cost 30-45 µs
 * a class on a 2-vCPU machine, 35-75 ms for the 1 000-1 600 classes a Vert.x hello-world loads while it starts
 * and warms up (counted with a timing build, JDK 25). Here a class costs a few {@code startsWith}, or one hash
 * look-up.
 *
 * <p>The test sees the JVM's internal name ({@code io/netty/Foo}); null (a hidden class) never passes. It must
 * pass every name the builder's own matchers accept: it only comes first, it replaces none of them.
 */
final class NameFilteredTransformer extends ResettableClassFileTransformer.WithDelegation {
    private final Predicate<String> internalNames;

    private NameFilteredTransformer(ResettableClassFileTransformer delegate, Predicate<String> internalNames) {
        super(delegate);
        this.internalNames = internalNames;
    }

    /** A decorator for {@link AgentBuilder#with(AgentBuilder.TransformerDecorator)}. */
    static AgentBuilder.TransformerDecorator decorator(Predicate<String> internalNames) {
        return transformer -> new NameFilteredTransformer(transformer, internalNames);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] bytes) throws IllegalClassFormatException {
        if (internalName == null || !internalNames.test(internalName)) {
            return null;
        }
        return classFileTransformer.transform(loader, internalName, classBeingRedefined, protectionDomain, bytes);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] bytes) throws IllegalClassFormatException {
        if (internalName == null || !internalNames.test(internalName)) {
            return null;
        }
        return classFileTransformer.transform(module, loader, internalName, classBeingRedefined, protectionDomain,
                bytes);
    }
}
