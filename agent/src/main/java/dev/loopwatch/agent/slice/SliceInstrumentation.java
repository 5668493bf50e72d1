package dev.loopwatch.agent.slice;

import dev.loopwatch.agent.Hook;
import dev.loopwatch.agent.LibraryLine;
import dev.loopwatch.agent.weave.Advice;
import dev.loopwatch.agent.weave.Call;
import dev.loopwatch.agent.weave.TypeMatch;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.loopwatch.agent.weave.Arg.argument;
import static dev.loopwatch.agent.weave.Arg.field;
import static dev.loopwatch.agent.weave.Arg.self;
import static dev.loopwatch.agent.weave.MethodMatch.descriptor;
import static dev.loopwatch.agent.weave.MethodMatch.isStatic;
import static dev.loopwatch.agent.weave.MethodMatch.named;

/**
 * {@code action=slice} (bridge {@code Slices}): where a loop's work is run as a continuation, and what tells when
 * suspending it would be unsafe. In force only under {@code action=slice} on JDK 21+; the checks themselves are
 * action=abort's ({@code abort.include}).
 *
 * <ul>
 *   <li>Netty's {@code runTask(Runnable)}: the task is replaced by one that runs it as a continuation.</li>
 *   <li>NIO's {@code NioIoHandler$DefaultNioRegistration.handle(int)}, one channel's dispatch: a guard runs it as a
 *       continuation, or holds it back while an earlier dispatch of the same channel is suspended. Only NIO: its
 *       readiness is level-triggered, so an event held back is reported again, and its key's interest can be taken
 *       off with JDK types alone. Dispatches of the other transports are never suspended (reported as "ordering").</li>
 *   <li>{@code ThreadLocal.set/remove}, {@code FastThreadLocal.set/remove}: the running task wrote thread-local
 *       state, so it is never suspended.</li>
 *   <li>{@code AbstractOwnableSynchronizer.setExclusiveOwnerThread}: counts the locks a loop thread owns.</li>
 * </ul>
 * Each advice is woven after the line's own hooks on the same method (the task or dispatch is begun and ended by
 * them, outside the continuation), which is why the dispatch guard's type is a pattern, like the dispatch hook's.
 */
public final class SliceInstrumentation {
    static final String SLICES = "dev/loopwatch/bridge/Slices";
    private static final String REGISTRATION = "io/netty/channel/nio/NioIoHandler$DefaultNioRegistration";
    private static final Advice LOCAL_WRITE = Advice.onEntry(Call.of(SLICES, "localWrite", "()V"));

    private SliceInstrumentation() {
    }

    /** The lines to add after every library line (their hooks must come first on the same methods). */
    public static List<LibraryLine> lines() {
        return List.of(netty(), jdk());
    }

    static LibraryLine netty() {
        return new LibraryLine("slice-netty", List.of("io/netty/util/concurrent/AbstractEventExecutor.class"), List.of(),
                List.of(new Hook(TypeMatch.named("io.netty.util.concurrent.AbstractEventExecutor"),
                                named("runTask").and(isStatic()).and(descriptor("(Ljava/lang/Runnable;)V")),
                                Advice.replaceArgument(0, Call.of(SLICES, "task",
                                        "(Ljava/lang/Runnable;)Ljava/lang/Runnable;", argument(0)))),
                        // A pattern that only this class matches, rather than its name: patterns' hooks come after
                        // the exact names', and this one must follow the Netty line's hook on the same method.
                        new Hook(TypeMatch.matching(REGISTRATION, "", "$DefaultNioRegistration"),
                                named("handle").and(descriptor("(I)V")),
                                Advice.guard(Call.of(SLICES, "io", "(Ljava/lang/Object;ILjava/nio/channels/SelectionKey;)Z",
                                        self(), argument(0), field("key", "Ljava/nio/channels/SelectionKey;")))),
                        new Hook(TypeMatch.named("io.netty.util.concurrent.FastThreadLocal"), named("set", "remove"),
                                LOCAL_WRITE)));
    }

    static LibraryLine jdk() {
        return LibraryLine.everywhere("slice-jdk", List.of(
                new Hook(TypeMatch.named("java.lang.ThreadLocal"), named("set").and(descriptor("(Ljava/lang/Object;)V")),
                        LOCAL_WRITE),
                new Hook(TypeMatch.named("java.lang.ThreadLocal"), named("remove").and(descriptor("()V")), LOCAL_WRITE),
                new Hook(TypeMatch.named("java.util.concurrent.locks.AbstractOwnableSynchronizer"),
                        named("setExclusiveOwnerThread").and(descriptor("(Ljava/lang/Thread;)V")),
                        Advice.onEntry(Call.of(SLICES, "ownerChange", "(Ljava/lang/Thread;Ljava/lang/Thread;)V",
                                field("exclusiveOwnerThread", "Ljava/lang/Thread;"), argument(0))))));
    }

    /**
     * Makes {@code jdk.internal.vm} (Continuation, JDK 21+) accessible to the bridge's module, the sanctioned way for an
     * agent ({@link Instrumentation#redefineModule}): no {@code --add-exports} flag. {@code bridge} is a bridge class.
     */
    public static void exportContinuations(Instrumentation inst, Class<?> bridge) {
        Module base = Object.class.getModule();
        Module module = bridge.getModule();
        // Opened too, not only exported: JDK 25's ThreadSnapshot (package-private) tells whether a thread owns a
        // monitor without stopping the others.
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.vm", Set.of(module)),
                Map.of("jdk.internal.vm", Set.of(module)), Set.of(), Map.of());
        if (!base.isExported("jdk.internal.vm", module)) {
            throw new IllegalStateException("java.base did not export jdk.internal.vm to " + module);
        }
    }
}
