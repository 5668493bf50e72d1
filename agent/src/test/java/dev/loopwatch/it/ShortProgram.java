package dev.loopwatch.it;

import io.netty.channel.nio.NioEventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * A program that uses a Netty loop, makes a blocking call on it (so that loopwatch's contended-monitor JFR
 * stream starts), shuts the loop down and returns from {@code main}: under the agent, the JVM must then exit
 * like it does without it. Prints {@code STREAM=yes} once loopwatch's JFR stream thread runs.
 */
public final class ShortProgram {
    private ShortProgram() {
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        group.submit(() -> {
            Thread.sleep(5);
            return null;
        }).sync();
        boolean stream = false;
        while (!stream && System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                stream |= t.getName().startsWith("loopwatch-jfr") || t.getName().startsWith("JFR Event Stream");
            }
            Thread.sleep(10);
        }
        System.out.println("STREAM=" + (stream ? "yes" : "no"));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        System.out.println("MAIN=returned");
    }
}
