package dev.loopwatch.agent.weave;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.RandomAccess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The constant pool read in place, on real class files (compiled here and the JDK's own). */
class ConstantPoolTest {
    static final long BIG = 1L << 40;      // a long entry (two slots) before the names looked up
    static final double RATIO = 0.5;

    abstract static class Listish extends AbstractList<String> implements RandomAccess, Serializable {
        String name(long n, double d) {
            return "\u00e9t\u00e9" + (n + BIG) + (d * RATIO);  // a non-ASCII Utf8 entry
        }
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }

    @Test
    void supertypesAndNameAreReadFromTheBytes() throws Exception {
        byte[] bytes = bytes(Listish.class);
        ConstantPool pool = ConstantPool.of(bytes);
        assertNotNull(pool);
        assertArrayEquals(new String[] {"java/util/AbstractList", "java/util/RandomAccess", "java/io/Serializable"},
                pool.supertypes());
        assertEquals("dev/loopwatch/agent/weave/ConstantPoolTest$Listish", ClassFiles.className(bytes));
        assertArrayEquals(new String[0], ConstantPool.of(bytes(Object.class)).supertypes(), "Object has none");
        assertArrayEquals(new String[] {"java/lang/Object", "java/lang/Runnable"},
                ConstantPool.of(bytes(Thread.class)).supertypes());
    }

    @Test
    void utf8EntriesAreDecodedAsTheJvmDoes() throws Exception {
        ConstantPool pool = ConstantPool.of(bytes(Listish.class));
        boolean found = false;
        for (int i = 1; i < pool.count(); i++) {
            found |= pool.tag(i) == 1 && pool.utf8(i).equals("\u00e9t\u00e9");
        }
        assertTrue(found, "the non-ASCII string constant");
        assertFalse(ClassFiles.hasUtf8(bytes(Listish.class), "sleep", "wait"));
        assertTrue(ClassFiles.hasUtf8(bytes(Listish.class), null, "name"));
    }
}
