package dev.loopwatch.agent;

import java.util.List;

/**
 * The instrumentation of one line of one library (Netty 4.1, Netty 4.2, ...): switched on only in class
 * loaders that hold every class in {@code required} and none in {@code forbidden}, so that exactly
 * one line of a library applies wherever it is loaded.
 *
 * @param name      the line, as reported in status and diagnostics: {@code netty-4.1}
 * @param required  resource names that must be visible from the class's loader
 * @param forbidden resource names that must not be
 * @param hooks     what to instrument
 */
public record LibraryLine(String name, List<String> required, List<String> forbidden, List<Hook> hooks) {
}
