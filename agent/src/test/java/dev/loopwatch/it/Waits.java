package dev.loopwatch.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tasks that wait on a loop thread, for action=interrupt: each says how it ended ("interrupted" or
 * "completed") and after how many ms. A task queued right behind each one records whether the loop
 * thread still had its interrupt flag, and whether a FileChannel opened there works.
 */
final class Waits {
    /** What the task after the last waiting task saw: "flag=false channel=ok", say. */
    static volatile String next = "none";

    private Waits() {
    }

    static String sleep(long ms) {
        long start = System.nanoTime();
        try {
            Thread.sleep(ms);
            return done("completed", start);
        } catch (InterruptedException e) {
            return done("interrupted", start);
        }
    }

    static String await(long ms) {
        long start = System.nanoTime();
        Object lock = new Object();
        synchronized (lock) {
            try {
                lock.wait(ms);
                return done("completed", start);
            } catch (InterruptedException e) {
                return done("interrupted", start);
            }
        }
    }

    /** LockSupport.parkNanos returns early when interrupted and leaves the flag set: loopwatch must clear it. */
    static String park(long ms) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(ms);
        // Like any caller of park: loop, since park may return at once (a permit left by an earlier unpark or
        // interrupt) or for no reason at all.
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(deadline - System.nanoTime());
        }
        boolean flag = Thread.currentThread().isInterrupted();
        return done(flag ? "interrupted" : "completed", start) + " flag=" + flag;
    }

    static String futureGet(long ms) {
        long start = System.nanoTime();
        try {
            new CompletableFuture<String>().get(ms, TimeUnit.MILLISECONDS);
            return done("completed", start);
        } catch (InterruptedException e) {
            return done("interrupted", start);
        } catch (Exception e) {
            return done("completed", start);
        }
    }

    /** Reads a FIFO through a FileChannel: blocks in channel I/O until the test writes to it. */
    static String fileRead(Path fifo) throws IOException {
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            int n = channel.read(buffer);
            return done("read " + n, start) + " open=" + channel.isOpen() + " flag=" + Thread.currentThread().isInterrupted();
        }
    }

    /** Runs on the loop right after the waiting task: the flag must be clear, and a FileChannel must work. */
    static final class NextTask implements Runnable {
        @Override
        public void run() {
            boolean flag = Thread.currentThread().isInterrupted();
            String channel;
            try {
                Path file = Files.createTempFile("loopwatch-next", ".txt");
                Files.writeString(file, "x");
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    channel = ch.read(ByteBuffer.allocate(8)) == 1 ? "ok" : "short";
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                channel = e.getClass().getSimpleName();
            }
            next = "flag=" + flag + " channel=" + channel;
        }
    }

    private static String done(String how, long start) {
        return how + " after " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }
}
