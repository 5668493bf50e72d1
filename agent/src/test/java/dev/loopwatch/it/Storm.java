package dev.loopwatch.it;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A storm of stalls and blocking calls on loops of their own: every task on each of {@code loops} loops makes
 * {@link #CALLS_PER_TASK} blocking calls that return at once (a park with its permit already given), then sleeps
 * {@link #SLEEP_MS} ms, over a 1 ms threshold: a stall. Answers the calls and tasks made, and the heap in use (after a GC) before and after.
 */
final class Storm {
    static final int CALLS_PER_TASK = 100;
    static final int SLEEP_MS = 5;

    private Storm() {
    }

    @SuppressWarnings("deprecation") // NioEventLoopGroup: the 4.1 API, which 4.2 keeps
    static String run(int seconds, int loops) throws InterruptedException {
        long heapBefore = heapAfterGc();
        NioEventLoopGroup group = new NioEventLoopGroup(loops);
        AtomicLong calls = new AtomicLong();
        AtomicLong tasks = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(loops);
        for (int i = 0; i < loops; i++) {
            EventLoop loop = group.next();
            loop.execute(new Runnable() {
                @Override
                public void run() {
                    Thread self = Thread.currentThread();
                    for (int c = 0; c < CALLS_PER_TASK; c++) {
                        LockSupport.unpark(self);
                        LockSupport.park();
                    }
                    try {
                        Thread.sleep(SLEEP_MS);
                    } catch (InterruptedException e) {
                        self.interrupt();
                    }
                    calls.addAndGet(CALLS_PER_TASK + 1);
                    tasks.incrementAndGet();
                    if (System.nanoTime() < end) {
                        loop.execute(this);
                    } else {
                        done.countDown();
                    }
                }
            });
        }
        done.await();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        long heapAfter = heapAfterGc();
        return calls.get() + " " + tasks.get() + " " + heapBefore + " " + heapAfter;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
