package dev.loopwatch.it;

/** {@code executors=on} on Netty 4.1: a handler on a {@code DefaultEventExecutorGroup}. */
class ExecutorGroupNetty41IT extends ExecutorGroupContract {
    ExecutorGroupNetty41IT() {
        super("netty-4.1");
    }
}
