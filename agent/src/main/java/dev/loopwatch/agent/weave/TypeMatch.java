package dev.loopwatch.agent.weave;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which classes a hook goes into, by the JVM's internal name ({@code io/netty/Foo}) only: a class is never loaded
 * or resolved to be matched. Exact names are looked up in one hash table for every class the JVM loads; the few
 * patterns test a prefix first.
 */
public final class TypeMatch {
    private final Set<String> names;
    private final String prefix;
    private final Predicate<String> pattern;

    private TypeMatch(Set<String> names, String prefix, Predicate<String> pattern) {
        this.names = names;
        this.prefix = prefix;
        this.pattern = pattern;
    }

    /** The classes of these binary names ({@code io.netty.channel.nio.NioEventLoop}). */
    public static TypeMatch named(String... binaryNames) {
        Set<String> names = new HashSet<>();
        for (String name : binaryNames) {
            names.add(name.replace('.', '/'));
        }
        return new TypeMatch(Set.copyOf(names), null, null);
    }

    /** The classes whose internal name starts with {@code prefix} (binary form) and passes {@code internalName}. */
    public static TypeMatch matching(String binaryPrefix, Predicate<String> internalName) {
        return new TypeMatch(Set.of(), binaryPrefix.replace('.', '/'), internalName);
    }

    /** The exact internal names matched, empty for a pattern. */
    public Set<String> names() {
        return names;
    }

    /** Whether this is a pattern rather than a set of names. */
    public boolean isPattern() {
        return pattern != null;
    }

    public boolean matches(String internalName) {
        if (pattern == null) {
            return names.contains(internalName);
        }
        return internalName.startsWith(prefix) && pattern.test(internalName);
    }
}
