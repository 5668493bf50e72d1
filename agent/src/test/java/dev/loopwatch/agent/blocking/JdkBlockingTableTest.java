package dev.loopwatch.agent.blocking;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every row of the table names methods the running JDK has (CI runs this on JDK 17 and 25): advice matched by
 * name finds nothing, silently, when a JDK renames a method, above all the channels' private begin/end pairs.
 */
class JdkBlockingTableTest {
    @Test
    void everyTargetExistsOnThisJdk() throws Exception {
        List<String> missing = new ArrayList<>();
        for (JdkBlockingTable.Target t : JdkBlockingTable.targets()) {
            Method[] declared = Class.forName(t.type()).getDeclaredMethods();
            if (t.kind() == JdkBlockingTable.Kind.CHANNEL) {
                boolean begin = Arrays.stream(declared).anyMatch(m -> m.getName().equals(t.method())
                        && m.getParameterCount() >= 1 && m.getParameterTypes()[0] == boolean.class && hasBody(m));
                boolean end = Arrays.stream(declared).anyMatch(m -> m.getName().equals(t.end())
                        && Arrays.equals(m.getParameterTypes(), new Class<?>[] {boolean.class, boolean.class}) && hasBody(m));
                if (!begin || !end) {
                    missing.add(t.type() + "." + (begin ? t.end() : t.method()));
                }
            } else if (Arrays.stream(declared).noneMatch(m -> m.getName().equals(t.method()))) {
                missing.add(t.type() + "." + t.method());
            }
        }
        assertEquals(List.of(), missing, "table rows without their method on JDK " + Runtime.version());
    }

    private static boolean hasBody(Method m) {
        return !Modifier.isNative(m.getModifiers()) && !Modifier.isAbstract(m.getModifiers());
    }
}
