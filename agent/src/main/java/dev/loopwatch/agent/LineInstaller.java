package dev.loopwatch.agent;

import dev.loopwatch.core.Instrumentations;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Installs one {@link LibraryLine} with ByteBuddy, configured narrowly: method bodies only (no class
 * format change, so retransformation works and no JVM flag is ever needed), types matched by name,
 * everything outside the line's packages ignored, and a listener that records what was instrumented and
 * counts failures instead of logging from inside the transformer.
 */
final class LineInstaller {
    private LineInstaller() {
    }

    static void install(Instrumentation inst, LibraryLine line, String packagePrefix) {
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new Recorder(line.name()))
                .ignore(not(nameStartsWith(packagePrefix)));
        ElementMatcher<ClassLoader> guard = new LoaderHasResources(line.required(), line.forbidden());
        for (Hook hook : line.hooks()) {
            builder = builder.type(hook.type(), guard)
                    .transform(new AgentBuilder.Transformer.ForAdvice()
                            .include(LineInstaller.class.getClassLoader())
                            .advice(hook.methods(), hook.advice().getName()));
        }
        builder.installOn(inst);
    }

    /** Records each instrumented type under its line, and each failure as a counted, once-said error. */
    private static final class Recorder extends AgentBuilder.Listener.Adapter {
        private final String line;

        Recorder(String line) {
            this.line = line;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            Instrumentations.applied(line, type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            Instrumentations.failed(line, typeName, throwable);
        }
    }
}
