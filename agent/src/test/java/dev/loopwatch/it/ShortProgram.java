package dev.loopwatch.it;

import io.netty.channel.nio.NioEventLoopGroup;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A program that uses a Netty loop, makes a blocking call on it, shuts the loop down and returns from
 * {@code main}: under the agent, the JVM must then exit like it does without it, whatever threads loopwatch
 * started. Prints {@code AGENT=yes} when loopwatch's threads (watchdog, reporter, blocking-call drain) run, and
 * which loader its engine's classes came from ({@code CORE_LOADER=bootstrap} under {@code -javaagent}).
 */
public final class ShortProgram {
    private ShortProgram() {
    }

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        group.submit(() -> {
            Thread.sleep(5);
            return null;
        }).sync();
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        boolean agent = names.containsAll(Set.of("loopwatch-watchdog", "loopwatch-reporter", "loopwatch-blocking"));
        System.out.println("AGENT=" + (agent ? "yes" : "no " + names));
        ClassLoader core = Class.forName("dev.loopwatch.core.LoopWatch", false, ClassLoader.getSystemClassLoader())
                .getClassLoader();
        System.out.println("CORE_LOADER=" + (core == null ? "bootstrap" : core));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        System.out.println("MAIN=returned");
    }
}
