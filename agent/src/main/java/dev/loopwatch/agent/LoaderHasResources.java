package dev.loopwatch.agent;

import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

/**
 * Matches class loaders that see every required resource and no forbidden one. Looks resources up,
 * never loads a class: loading from a matcher risks class-circularity errors.
 */
final class LoaderHasResources extends ElementMatcher.Junction.AbstractBase<ClassLoader> {
    private final List<String> required;
    private final List<String> forbidden;

    LoaderHasResources(List<String> required, List<String> forbidden) {
        this.required = List.copyOf(required);
        this.forbidden = List.copyOf(forbidden);
    }

    @Override
    public boolean matches(ClassLoader loader) {
        if (loader == null) {
            return false; // no library line of ours lives in the bootstrap loader
        }
        for (String resource : required) {
            if (loader.getResource(resource) == null) {
                return false;
            }
        }
        for (String resource : forbidden) {
            if (loader.getResource(resource) != null) {
                return false;
            }
        }
        return true;
    }
}
