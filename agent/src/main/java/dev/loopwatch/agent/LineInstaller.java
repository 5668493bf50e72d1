package dev.loopwatch.agent;

import dev.loopwatch.agent.abort.AbortInstrumentation;
import dev.loopwatch.core.Instrumentations;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
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
        install(inst, lines, List.of(packagePrefix), null);
    }

    /**
     * Installs {@code lines}, whose types all live in packages starting with one of {@code packagePrefixes},
     * plus abort checks in the application classes {@code abort} names (null: none). Those are the only
     * types outside the libraries' packages the builder looks at; every other class is left as it is.
     */
    static void install(Instrumentation inst, List<LibraryLine> lines, List<String> packagePrefixes,
                        AbortInstrumentation abort) {
        ElementMatcher.Junction<TypeDescription> libraries = none();
        for (String prefix : packagePrefixes) {
            libraries = libraries.or(nameStartsWith(prefix));
        }
        if (abort != null) {
            libraries = libraries.or(abort.types());
        }
        Map<LibraryLine, LoaderHasResources> guards = new LinkedHashMap<>();
        for (LibraryLine line : lines) {
            guards.put(line, new LoaderHasResources(line.required(), line.forbidden()));
        }
        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new Recorder(guards, abort))
                .with(NameFilteredTransformer.decorator(
                        new HookedNames(lines, packagePrefixes, abort == null ? null : abort::acceptsName)))
                .ignore(not(libraries));
        for (Map.Entry<LibraryLine, LoaderHasResources> entry : guards.entrySet()) {
            LibraryLine line = entry.getKey();
            LoaderHasResources guard = entry.getValue();
            for (Hook hook : line.hooks()) {
                builder = builder.type(hook.type(), guard)
                        .transform(AdviceTransformer.of(hook.methods(), Advice.to(hook.advice())));
            }
        }
        if (abort != null) {
            builder = builder.type(abort.types()).transform(abort.transformer());
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
        private final Map<LibraryLine, LoaderHasResources> guards;
        private final AbortInstrumentation abort;

        Recorder(Map<LibraryLine, LoaderHasResources> guards, AbortInstrumentation abort) {
            this.guards = guards;
            this.abort = abort;
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
            if (abort != null && abort.types().matches(type)) {
                return "abort";
            }
            for (Map.Entry<LibraryLine, LoaderHasResources> entry : guards.entrySet()) {
                LibraryLine line = entry.getKey();
                if (entry.getValue().matches(loader)) {
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
