package dev.loopwatch;

/**
 * Thrown into a loop task that ran past the threshold under {@code action=abort}, at the next check
 * loopwatch injected into the application's code (a method entry or a loop back-edge of a class named by
 * {@code abort.include}). Unchecked, so it travels through any application code; Netty hands it to the
 * pipeline's {@code exceptionCaught}, and the loop goes on with its next task.
 *
 * <p>The agent defines this class in the bootstrap class loader, beside its bridge, so that every class
 * loader's application code sees one and the same type and can catch it by name. It uses JDK types only.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String loopThread;
    private final long elapsedNanos;
    private final long thresholdNanos;

    /**
     * @param loopThread     the loop thread's name
     * @param elapsedNanos   how long the task had run when it was stopped
     * @param thresholdNanos the threshold in force
     */
    public TaskTimeoutException(String loopThread, long elapsedNanos, long thresholdNanos) {
        super("loopwatch aborted a task on loop thread " + loopThread + ": it ran " + millis(elapsedNanos)
                + " ms, over the threshold of " + millis(thresholdNanos) + " ms");
        this.loopThread = loopThread;
        this.elapsedNanos = elapsedNanos;
        this.thresholdNanos = thresholdNanos;
    }

    /** The name of the loop thread the task ran on. */
    public String loopThread() {
        return loopThread;
    }

    /** How long the task had run when it was stopped, in nanoseconds. */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** The threshold the task overran, in nanoseconds. */
    public long thresholdNanos() {
        return thresholdNanos;
    }

    private static String millis(long nanos) {
        long tenths = nanos / 100_000;
        return (tenths / 10) + "." + (tenths % 10);
    }
}
