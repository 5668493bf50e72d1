package dev.loopwatch.benchmarks.abortwork;

/**
 * Loop-heavy application code for {@code AbortCheckBenchmark}: the agent forks run it with
 * {@code action=abort,abort.include=dev.loopwatch.benchmarks.abortwork.}, the baseline forks without the
 * agent, so the same bytecode is measured with and without abort checks. Written as ordinary Java, the way
 * javac compiles it (for loops over arrays, while loops in the parser, recursion in the sort).
 */
public final class LoopWork {
    private LoopWork() {
    }

    /** A scalar reduction: C2 unrolls it; the check rule leaves its counted loop alone. */
    public static long sum(int[] a) {
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    /** The loop C2 vectorizes (SuperWord); a check inside it would cost 6-11x (FACTS.md). */
    public static void map(int[] a, int[] out) {
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * 3 + 1;
        }
    }

    /**
     * A small branchy parser: signed integers separated by commas and spaces, summed. Its loops are while
     * loops with data-dependent exits, so each gets a back-edge check.
     */
    public static long parse(byte[] in) {
        long total = 0;
        int pos = 0;
        int n = in.length;
        while (pos < n) {
            while (pos < n && in[pos] == ' ') {
                pos++;
            }
            boolean negative = false;
            if (pos < n && in[pos] == '-') {
                negative = true;
                pos++;
            }
            long value = 0;
            while (pos < n) {
                int digit = in[pos] - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                value = value * 10 + digit;
                pos++;
            }
            total += negative ? -value : value;
            if (pos < n) {
                pos++; // the separator
            }
        }
        return total;
    }

    /** Quicksort (Hoare partition, recursion) down to insertion sort for short ranges. */
    public static void sort(int[] a, int from, int to) {
        while (to - from > 16) {
            int pivot = a[(from + to) >>> 1];
            int i = from;
            int j = to - 1;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (j + 1 - from < to - i) {
                sort(a, from, j + 1);
                from = i;
            } else {
                sort(a, i, to);
                to = j + 1;
            }
        }
        for (int i = from + 1; i < to; i++) {
            int v = a[i];
            int k = i - 1;
            while (k >= from && a[k] > v) {
                a[k + 1] = a[k];
                k--;
            }
            a[k + 1] = v;
        }
    }
}
