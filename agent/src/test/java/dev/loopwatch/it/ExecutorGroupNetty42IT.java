package dev.loopwatch.it;

/** {@code executors=on} on Netty 4.2: a handler on a {@code DefaultEventExecutorGroup}. */
class ExecutorGroupNetty42IT extends ExecutorGroupContract {
    ExecutorGroupNetty42IT() {
        super("netty-4.2");
    }
}
