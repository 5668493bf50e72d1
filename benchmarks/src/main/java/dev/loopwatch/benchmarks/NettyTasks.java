package dev.loopwatch.benchmarks;

import io.netty.util.concurrent.AbstractEventExecutor;

/**
 * Reaches Netty's {@code protected static AbstractEventExecutor.runTask(Runnable)}, the method every Netty
 * event loop runs each queued task through and the one the agent instruments. Abstract and never
 * instantiated: subclassing is only what makes the protected static method callable from here.
 */
abstract class NettyTasks extends AbstractEventExecutor {
    private NettyTasks() {
    }

    static void run(Runnable task) {
        runTask(task);
    }
}
