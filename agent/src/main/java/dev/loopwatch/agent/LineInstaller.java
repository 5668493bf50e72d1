package dev.loopwatch.agent;

import dev.loopwatch.core.Instrumentations;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Installs library lines with one ByteBuddy agent builder, configured narrowly: method bodies only (no
 * class format change, so retransformation works and no JVM flag is ever needed), types matched by
 * name, everything outside the libraries' packages ignored, each line guarded by the classes its loader
 * sees, and a listener that records what was instrumented and counts failures instead of logging from
 * inside the transformer.
 */
final class LineInstaller {
    private LineInstaller() {
    }

    static void install(Instrumentation inst, List<LibraryLine> lines, String packagePrefix) {
        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new Recorder(lines))
                .ignore(not(nameStartsWith(packagePrefix)));
        for (LibraryLine line : lines) {
            LoaderHasResources guard = new LoaderHasResources(line.required(), line.forbidden());
            for (Hook hook : line.hooks()) {
                builder = builder.type(hook.type(), guard)
                        .transform(new AgentBuilder.Transformer.ForAdvice()
                                .include(LineInstaller.class.getClassLoader())
                                .advice(hook.methods(), hook.advice().getName()));
            }
        }
        builder.installOn(inst);
    }

    /**
     * A fresh builder, created with ByteBuddy's "nexus" switched off for the moment of creation: the
     * nexus (needed only for self-initializing generated types, which loopwatch never makes) is probed in
     * a static initializer that calls {@code sun.misc.Unsafe} memory methods, and JDK 24+ prints a
     * deprecation warning on the service's stderr for that. The property is restored right after.
     */
    static AgentBuilder newAgentBuilder() {
        synchronized (System.getProperties()) {
            String previous = System.getProperty(Nexus.PROPERTY);
            System.setProperty(Nexus.PROPERTY, "true");
            try {
                return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED));
            } finally {
                if (previous == null) {
                    System.clearProperty(Nexus.PROPERTY);
                } else {
                    System.setProperty(Nexus.PROPERTY, previous);
                }
            }
        }
    }

    /** Records each instrumented type under its line, and each failure as a counted, once-said error. */
    private static final class Recorder extends AgentBuilder.Listener.Adapter {
        private final List<LibraryLine> lines;

        Recorder(List<LibraryLine> lines) {
            this.lines = lines;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            Instrumentations.applied(lineOf(type, loader), type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            Instrumentations.failed("loopwatch", typeName, throwable);
        }

        private String lineOf(TypeDescription type, ClassLoader loader) {
            for (LibraryLine line : lines) {
                if (new LoaderHasResources(line.required(), line.forbidden()).matches(loader)) {
                    for (Hook hook : line.hooks()) {
                        if (hook.type().matches(type)) {
                            return line.name();
                        }
                    }
                }
            }
            return "unknown";
        }
    }
}
