package dev.loopwatch.core;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The reflection the task names use ({@link HandlerNames} and the frameworks' namers): frameworks' classes are looked
 * up by name, loopwatch depends on none of them. Watchdog and drain threads only, when a report is made.
 */
final class Reflect {
    private Reflect() {
    }

    /** {@code type} or its superclass of that name, or null. */
    static Class<?> superclassNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The field of that name declared by {@code type} or a superclass, made accessible; null when none. */
    static Field findField(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        return null;
    }

    /** Like {@link #findField}, but a missing field throws. */
    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = findField(type, name);
        if (f == null) {
            throw new NoSuchFieldException(type.getName() + "." + name);
        }
        return f;
    }

    /**
     * Calls a public no-argument method through a public type that declares it: frameworks' implementation classes
     * may be package-private, and their public methods are then not callable through the class itself.
     */
    static Object call(Object target, String name) throws ReflectiveOperationException {
        Method m = publicMethod(target.getClass(), name);
        if (m == null) {
            m = target.getClass().getMethod(name);
            m.setAccessible(true);
        }
        return m.invoke(target);
    }

    /** The public no-argument method of that name, found through a public class or interface of {@code type}; or null. */
    static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method m = publicMethod(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }
}
