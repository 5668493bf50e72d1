package dev.loopwatch.agent;

import java.util.List;

/**
 * The instrumentation of one line of one library (Netty 4.1, Netty 4.2, ..., the JDK's blocking calls): switched
 * on only in class loaders that hold every class in {@code required} and none in {@code forbidden}, so that
 * exactly one line of a library applies wherever it is loaded. A line that requires and forbids nothing applies in
 * every loader, the bootstrap one included (the JDK's).
 *
 * @param name      the line, as reported in status and diagnostics: {@code netty-4.1}
 * @param required  resource names that must be visible from the class's loader
 * @param forbidden resource names that must not be
 * @param hooks     what to instrument
 */
public record LibraryLine(String name, List<String> required, List<String> forbidden, List<Hook> hooks) {

    /** A line for classes of any loader. */
    public static LibraryLine everywhere(String name, List<Hook> hooks) {
        return new LibraryLine(name, List.of(), List.of(), hooks);
    }

    /** Whether the line depends on what the loader sees. */
    boolean guarded() {
        return !required.isEmpty() || !forbidden.isEmpty();
    }
}
