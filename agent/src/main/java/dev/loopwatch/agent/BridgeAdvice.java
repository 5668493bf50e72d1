package dev.loopwatch.agent;

import dev.loopwatch.agent.weave.Advice;
import dev.loopwatch.agent.weave.Call;

import static dev.loopwatch.agent.weave.Arg.argument;
import static dev.loopwatch.agent.weave.Arg.constant;
import static dev.loopwatch.agent.weave.Arg.declaringClass;
import static dev.loopwatch.agent.weave.Arg.entered;
import static dev.loopwatch.agent.weave.Arg.field;
import static dev.loopwatch.agent.weave.Arg.returned;
import static dev.loopwatch.agent.weave.Arg.self;

/**
 * Every advice loopwatch weaves, in one place: each is one call of the bridge ({@code dev.loopwatch.bridge}, in the
 * bootstrap class loader) at a method's entry and one at its exits, nothing else: no branch, no allocation, no
 * string. The bridge methods themselves never throw, so the woven code needs no handler of its own.
 */
public final class BridgeAdvice {
    static final String LOOPS = "dev/loopwatch/bridge/Loops";
    static final String BLOCKING = "dev/loopwatch/bridge/Blocking";
    private static final String SLOT = "Ldev/loopwatch/bridge/LoopSlot;";
    private static final String RING = "Ldev/loopwatch/bridge/BlockingRing;";
    private static final String CLASS = "Ljava/lang/Class;";
    private static final String OBJECT = "Ljava/lang/Object;";

    private static final Call END_TASK = Call.of(LOOPS, "endTask", "(" + SLOT + ")V", entered());
    private static final Call EXIT_LOOP = Call.of(LOOPS, "exitLoop", "(" + SLOT + ")V", entered());
    private static final Call EXIT_HANDLER = Call.of(LOOPS, "exitHandler", "(" + OBJECT + ")V", entered());

    /** Around one task a loop runs (Netty's {@code runTask}, a Reactor scheduler task's {@code call()}). */
    public static final Advice TASK = Advice.around(Call.of(LOOPS, "beginTask", "()" + SLOT), END_TASK);

    /** Around one I/O dispatch: one ready channel (4.2, 4.1 NIO) or one batch of them (4.1 epoll, kqueue). */
    public static final Advice IO = Advice.around(
            Call.of(LOOPS, "beginIo", "(" + CLASS + ")" + SLOT, declaringClass()), END_TASK);

    /** Around an I/O event loop's {@code run()}: the thread is a watched loop while inside it. */
    public static final Advice LOOP_RUN = Advice.around(
            Call.of(LOOPS, "enterLoop", "(" + CLASS + OBJECT + ")" + SLOT, declaringClass(), self()), EXIT_LOOP);

    /** Around a Netty {@code DefaultEventExecutor}'s {@code run()} ({@code executors=on}). */
    public static final Advice EXECUTOR_RUN = Advice.around(
            Call.of(LOOPS, "enterExecutor", "(" + CLASS + ")" + SLOT, declaringClass()), EXIT_LOOP);

    /** Around a framework's dispatch to a handler that is the receiver (an event-bus registration, a gRPC listener). */
    public static final Advice HANDLER_IS_RECEIVER = Advice.around(
            Call.of(LOOPS, "enterHandler", "(" + OBJECT + ")" + OBJECT, self()), EXIT_HANDLER);

    /** Around a framework's dispatch to the handler of its first argument (a vertx-web routing context). */
    public static final Advice HANDLER_IS_ARGUMENT = Advice.around(
            Call.of(LOOPS, "enterHandler", "(" + OBJECT + ")" + OBJECT, argument(0)), EXIT_HANDLER);

    /** Around a framework's dispatch to the handler of its second argument (a Micronaut route match). */
    public static final Advice HANDLER_IS_SECOND_ARGUMENT = Advice.around(
            Call.of(LOOPS, "enterHandler", "(" + OBJECT + ")" + OBJECT, argument(1)), EXIT_HANDLER);

    /** At the return of Reactor's {@code ReactorThreadFactory.newThread}: a non-blocking scheduler's thread. */
    public static final Advice SCHEDULER_THREAD = Advice.onReturn(Call.of(LOOPS, "schedulerThread",
            "(Ljava/lang/Thread;Z" + CLASS + ")V", returned(), field("rejectBlocking", "Z"), declaringClass()));

    /** Around an allow-listed method: blocking calls inside it are not recorded. */
    public static final Advice ALLOWED = Advice.around(Call.of(BLOCKING, "allowEnter", "()" + RING),
            Call.of(BLOCKING, "allowExit", "(" + RING + ")V", entered()));

    private BridgeAdvice() {
    }

    /** Around a blocking JDK method, recorded as call {@code id}. */
    public static Advice blocking(int id) {
        return Advice.around(Call.of(BLOCKING, "enter", "()" + RING), exit(id));
    }

    /** Around a name lookup taking the host as its first argument: a literal address is not recorded. */
    public static Advice lookup(int id) {
        return Advice.around(Call.of(BLOCKING, "enterLookup", "(Ljava/lang/String;)" + RING, argument(0)), exit(id));
    }

    /** At the entry of a JDK channel's {@code begin...(boolean blocking, ...)}. */
    public static Advice channelBegin() {
        return Advice.onEntry(Call.of(BLOCKING, "enterHeld", "(Z)V", argument(0)));
    }

    /** At the entry of a JDK channel's {@code end...(boolean blocking, boolean completed)}, recorded as {@code id}. */
    public static Advice channelEnd(int id) {
        return Advice.onEntry(Call.of(BLOCKING, "exitHeld", "(ZI)V", argument(0), constant(id)));
    }

    private static Call exit(int id) {
        return Call.of(BLOCKING, "exit", "(" + RING + "I)V", entered(), constant(id));
    }
}
