package dev.loopwatch.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Item 2, detection latency past the threshold: runs {@link DetectionLatencyRun} in a fresh JVM under the
 * agent for each threshold (50 ms and 100 ms; the threshold is an agent argument, fixed per JVM) and
 * prints the rows as one table.
 *
 * <p>System properties: {@code tasks} (200 long tasks per threshold), {@code shortTasks} (50).
 */
public final class DetectionLatencyMain {
    private DetectionLatencyMain() {
    }

    public static void main(String[] args) throws Exception {
        String tasks = Integer.toString(Integer.getInteger("tasks", 200));
        String shortTasks = Integer.toString(Integer.getInteger("shortTasks", 50));
        System.out.println(Machine.describe() + ", tick 1 ms (default)");
        System.out.println("| threshold | stalls reported | unobserved (watchdog got no CPU) | min (ms) | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | early (< −1 ms) | 2nd report, same task | reports matching no task | short tasks: reports |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        boolean failed = false;
        for (String threshold : List.of("50ms", "100ms")) {
            List<String> command = JavaCommand.of("threshold=" + threshold + ",tick=1ms,log=off" + System.getProperty("agentArgs", ""), DetectionLatencyRun.class,
                    tasks, shortTasks);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(System.out::println);
            }
            failed |= p.waitFor() != 0;
        }
        if (failed) {
            System.exit(1);
        }
    }
}
