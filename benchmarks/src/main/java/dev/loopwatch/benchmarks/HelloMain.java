package dev.loopwatch.benchmarks;

/** The smallest program whose start-up the agent can slow down. */
public final class HelloMain {
    private HelloMain() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
