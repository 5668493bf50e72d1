package dev.loopwatch.benchmarks;

/**
 * The trivial loop task: one field increment. The count also lets the benchmark check that the
 * instrumented runTask moved the loop's counter exactly once per task.
 */
final class CountingTask implements Runnable {
    long runs;

    @Override
    public void run() {
        runs++;
    }
}
