package dev.loopwatch.benchmarks.abortwork;

/** An endless CPU loop in an {@code abort.include} class, for {@code AbortLatencyMain}. */
public final class Spin {
    public static volatile long sink;

    private Spin() {
    }

    public static long forever() {
        long x = 1;
        while (true) {
            x = x * 31 + 7;
            if (x == 42) {
                sink = x;
            }
        }
    }
}
