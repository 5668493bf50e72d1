package dev.loopwatch.agent.weave;

import java.util.HashSet;
import java.util.Set;

/**
 * Which classes a hook goes into, by the JVM's internal name ({@code io/netty/Foo}) only: a class is never loaded
 * or resolved to be matched. Exact names are looked up in one hash table for every class the JVM loads; the few
 * patterns test a prefix first. A pattern is parts of a name rather than a {@code Predicate}: the hooks are made in
 * {@code premain}, where each lambda would cost the start a generated class.
 */
public final class TypeMatch {
    private final Set<String> names;
    /** A pattern's parts (internal form), null for exact names. */
    private final String prefix;
    private final String part;
    private final String suffix;

    private TypeMatch(Set<String> names, String prefix, String part, String suffix) {
        this.names = names;
        this.prefix = prefix;
        this.part = part;
        this.suffix = suffix;
    }

    /** The classes of these binary names ({@code io.netty.channel.nio.NioEventLoop}). */
    public static TypeMatch named(String... binaryNames) {
        Set<String> names = new HashSet<>();
        for (String name : binaryNames) {
            names.add(name.replace('.', '/'));
        }
        return new TypeMatch(Set.copyOf(names), null, null, null);
    }

    /**
     * The classes whose name starts with {@code binaryPrefix}, contains {@code part} after it and ends with
     * {@code suffix} (binary forms; {@code part} may be empty).
     */
    public static TypeMatch matching(String binaryPrefix, String part, String suffix) {
        String prefix = binaryPrefix.replace('.', '/');
        return new TypeMatch(Set.of(), prefix, part.replace('.', '/'), suffix.replace('.', '/'));
    }

    /** The exact internal names matched, empty for a pattern. */
    public Set<String> names() {
        return names;
    }

    /** Whether this is a pattern rather than a set of names. */
    public boolean isPattern() {
        return prefix != null;
    }

    public boolean matches(String internalName) {
        if (prefix == null) {
            return names.contains(internalName);
        }
        return internalName.startsWith(prefix) && internalName.endsWith(suffix)
                && internalName.indexOf(part, prefix.length()) >= 0;
    }
}
