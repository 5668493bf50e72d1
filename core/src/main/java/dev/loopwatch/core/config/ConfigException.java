package dev.loopwatch.core.config;

/** A bad option: its message is the one line shown to the user, naming the option and the valid choices. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
