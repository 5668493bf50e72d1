package dev.loopwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Names the machine and JDK in every printed result, so that a table never loses its context. */
final class Machine {
    private Machine() {
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JDK line alone still says which JVM measured
        }
        return System.getProperty("os.arch");
    }

    static String describe() {
        return "JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + "), "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel();
    }
}
