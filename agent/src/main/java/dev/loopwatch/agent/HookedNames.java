package dev.loopwatch.agent;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The classes, by the JVM's internal name, that library lines can instrument: what {@link NameFilteredTransformer}
 * lets through to their builder. A name under one of the lines' packages is matched against each hook's type
 * matcher, on a description that carries the name only ({@link Hook}: types are matched by name); any other
 * name passes only if {@code others} accepts its binary name (the abort checks' application classes).
 */
final class HookedNames implements Predicate<String> {
    private final List<String> internalPrefixes = new ArrayList<>();
    private final List<ElementMatcher<? super TypeDescription>> types = new ArrayList<>();
    private final Predicate<String> others;

    /**
     * @param packagePrefixes the packages the lines' types live in ({@code io.netty.})
     * @param others          binary names outside them that pass too; null: none
     */
    HookedNames(List<LibraryLine> lines, List<String> packagePrefixes, Predicate<String> others) {
        for (String prefix : packagePrefixes) {
            internalPrefixes.add(prefix.replace('.', '/'));
        }
        for (LibraryLine line : lines) {
            for (Hook hook : line.hooks()) {
                types.add(hook.type());
            }
        }
        this.others = others;
    }

    @Override
    public boolean test(String internalName) {
        if (inPackages(internalName)) {
            TypeDescription byName = new TypeDescription.Latent(internalName.replace('/', '.'), 0, null, List.of());
            for (ElementMatcher<? super TypeDescription> type : types) {
                if (type.matches(byName)) {
                    return true;
                }
            }
        }
        return others != null && others.test(internalName.replace('/', '.'));
    }

    private boolean inPackages(String internalName) {
        for (String prefix : internalPrefixes) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
