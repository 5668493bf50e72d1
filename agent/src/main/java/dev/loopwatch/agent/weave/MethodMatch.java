package dev.loopwatch.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.Arrays;
import java.util.Set;

/**
 * Which methods of a class get a hook: tested on what the class file declares, never on a loaded class. Built from
 * the factories below and {@link #and}; plain data rather than lambdas, because it is made in {@code premain}, where
 * every lambda's first call costs the service's start-up a generated class.
 */
public final class MethodMatch {
    private final Set<String> names;
    private final String descriptor;
    private final int arguments;
    /** Argument types by index (descriptors), null where any type will do. */
    private final String[] argumentTypes;
    private final String returnType;
    private final int requiredAccess;
    private final int forbiddenAccess;

    private MethodMatch(Set<String> names, String descriptor, int arguments, String[] argumentTypes, String returnType,
                        int requiredAccess, int forbiddenAccess) {
        this.names = names;
        this.descriptor = descriptor;
        this.arguments = arguments;
        this.argumentTypes = argumentTypes;
        this.returnType = returnType;
        this.requiredAccess = requiredAccess;
        this.forbiddenAccess = forbiddenAccess;
    }

    private static MethodMatch any() {
        return new MethodMatch(null, null, -1, new String[0], null, 0, 0);
    }

    /** Methods with one of these names. */
    public static MethodMatch named(String... names) {
        return new MethodMatch(Set.of(names), null, -1, new String[0], null, 0, 0);
    }

    /** Every method, but constructors and class initializers. */
    public static MethodMatch anyMethod() {
        return any();
    }

    /** Methods taking {@code count} arguments. */
    public static MethodMatch arguments(int count) {
        return new MethodMatch(null, null, count, new String[0], null, 0, 0);
    }

    /** Methods whose argument {@code index} has this type (a descriptor: {@code Z}, {@code Ljava/lang/String;}). */
    public static MethodMatch argument(int index, String typeDescriptor) {
        String[] types = new String[index + 1];
        types[index] = typeDescriptor;
        return new MethodMatch(null, null, -1, types, null, 0, 0);
    }

    /** Methods with exactly this descriptor. */
    public static MethodMatch descriptor(String exact) {
        return new MethodMatch(null, exact, -1, new String[0], null, 0, 0);
    }

    /** Methods returning this type (a descriptor). */
    public static MethodMatch returns(String typeDescriptor) {
        return new MethodMatch(null, null, -1, new String[0], typeDescriptor, 0, 0);
    }

    public static MethodMatch isStatic() {
        return new MethodMatch(null, null, -1, new String[0], null, Opcodes.ACC_STATIC, 0);
    }

    public static MethodMatch isPublic() {
        return new MethodMatch(null, null, -1, new String[0], null, Opcodes.ACC_PUBLIC, 0);
    }

    /** Not a bridge method the compiler generated. */
    public static MethodMatch notBridge() {
        return new MethodMatch(null, null, -1, new String[0], null, 0, Opcodes.ACC_BRIDGE);
    }

    /** Methods both this and {@code other} match. */
    public MethodMatch and(MethodMatch other) {
        String[] types = Arrays.copyOf(argumentTypes, Math.max(argumentTypes.length, other.argumentTypes.length));
        for (int i = 0; i < other.argumentTypes.length; i++) {
            if (other.argumentTypes[i] != null) {
                if (types[i] != null && !types[i].equals(other.argumentTypes[i])) {
                    throw new IllegalArgumentException("argument " + i + " cannot be both " + types[i] + " and "
                            + other.argumentTypes[i]);
                }
                types[i] = other.argumentTypes[i];
            }
        }
        return new MethodMatch(other.names != null ? other.names : names,
                other.descriptor != null ? other.descriptor : descriptor,
                other.arguments >= 0 ? other.arguments : arguments, types,
                other.returnType != null ? other.returnType : returnType,
                requiredAccess | other.requiredAccess, forbiddenAccess | other.forbiddenAccess);
    }

    public boolean matches(int access, String name, String methodDescriptor) {
        if (name.charAt(0) == '<' || (access & requiredAccess) != requiredAccess || (access & forbiddenAccess) != 0
                || (names != null && !names.contains(name))
                || (descriptor != null && !descriptor.equals(methodDescriptor))
                || (returnType != null && !methodDescriptor.endsWith(")" + returnType))) {
            return false;
        }
        if (arguments < 0 && argumentTypes.length == 0) {
            return true;
        }
        Type[] types = Type.getArgumentTypes(methodDescriptor);
        if (arguments >= 0 && types.length != arguments) {
            return false;
        }
        for (int i = 0; i < argumentTypes.length; i++) {
            if (argumentTypes[i] != null && (i >= types.length || !types[i].getDescriptor().equals(argumentTypes[i]))) {
                return false;
            }
        }
        return true;
    }
}
