package dev.loopwatch.agent.abort;

import dev.loopwatch.core.config.LoopWatchConfig;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * {@code action=abort}: abort checks in the application classes named by {@code abort.include}. Types are
 * matched by name only (never loaded), and never in the JDK, Netty, Vert.x, Reactor or loopwatch whatever
 * the option says ({@link LoopWatchConfig#abortable(String)}). Class initializers get no check: an
 * exception thrown out of {@code <clinit>} breaks the class for good (the bridge also refuses to throw
 * while any {@code <clinit>} is on the stack, for methods a class initializer calls).
 */
public final class AbortInstrumentation {
    private final LoopWatchConfig config;

    public AbortInstrumentation(LoopWatchConfig config) {
        this.config = config;
    }

    /** The types that get checks: by name, under abort.include and outside the protected packages. */
    public ElementMatcher.Junction<TypeDescription> types() {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return acceptsName(type.getName());
            }
        };
    }

    /** Whether the class of this (binary, dotted) name gets checks; what {@link #types()} matches. */
    public boolean acceptsName(String className) {
        return config.abortable(className);
    }

    /** The transformer that inserts the checks. */
    public AgentBuilder.Transformer transformer() {
        return new AgentBuilder.Transformer() {
            @Override
            public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                    ClassLoader loader, JavaModule module,
                                                    ProtectionDomain protectionDomain) {
                return builder.visit(new AsmVisitorWrapper.ForDeclaredMethods()
                        .invokable(not(isTypeInitializer()).and(not(isBridge())), new Checks()));
            }
        };
    }

    /** Wraps each method's visitor; constructors get back-edge checks only (nothing runs before super()). */
    static final class Checks implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
        @Override
        public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                  MethodVisitor methodVisitor, Implementation.Context implementationContext,
                                  TypePool typePool, int writerFlags, int readerFlags) {
            return new AbortCheckVisitor(Opcodes.ASM9, methodVisitor, !instrumentedMethod.isConstructor());
        }
    }
}
