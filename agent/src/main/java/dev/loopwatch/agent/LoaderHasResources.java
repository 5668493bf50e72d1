package dev.loopwatch.agent;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Matches class loaders that see every required resource and no forbidden one. Looks resources up,
 * never loads a class: loading from a matcher risks class-circularity errors. The answer is cached per
 * loader (weakly: a loader must stay collectable), because the weaver asks for every hooked class loaded,
 * on whatever thread loads it, an event loop included.
 */
final class LoaderHasResources {
    private final List<String> required;
    private final List<String> forbidden;
    private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();

    LoaderHasResources(List<String> required, List<String> forbidden) {
        this.required = List.copyOf(required);
        this.forbidden = List.copyOf(forbidden);
    }

    boolean matches(ClassLoader loader) {
        if (loader == null) {
            return false; // no library line of ours lives in the bootstrap loader
        }
        synchronized (answers) {
            Boolean known = answers.get(loader);
            if (known != null) {
                return known;
            }
        }
        boolean answer = lookUp(loader);
        synchronized (answers) {
            answers.put(loader, answer);
        }
        return answer;
    }

    private boolean lookUp(ClassLoader loader) {
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
