package dev.loopwatch.core.config;

import java.util.function.Consumer;

/**
 * Lines said on standard error, as a {@code Consumer<String>}: what {@code System.err::println} would be, without the
 * class a method reference generates at its first use (the agent's start makes each of these).
 */
public final class StandardError implements Consumer<String> {
    public static final Consumer<String> LINES = new StandardError();

    private StandardError() {
    }

    @Override
    public void accept(String line) {
        System.err.println(line);
    }
}
