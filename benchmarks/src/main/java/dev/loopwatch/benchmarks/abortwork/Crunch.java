package dev.loopwatch.benchmarks.abortwork;

/** The long CPU task of {@code SliceLatencyMain}: never yields by itself; its result checks every step ran once. */
public final class Crunch {
    private Crunch() {
    }

    /** {@code rounds} steps of a 64-bit LCG with a xor-shift (a {@code long} counter: its loop keeps its check). */
    public static long crunch(long rounds) {
        long x = 0x9E3779B97F4A7C15L;
        long i = 0;
        while (i < rounds) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
            i++;
        }
        return x;
    }
}
