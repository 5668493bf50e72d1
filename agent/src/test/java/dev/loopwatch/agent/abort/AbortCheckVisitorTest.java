package dev.loopwatch.agent.abort;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where checks go, read off the visitor for the loops of {@link Loopy}. */
class AbortCheckVisitorTest {
    /** Method name to {checks, skipped back-edges}. */
    private static Map<String, int[]> instrument(Class<?> type) throws IOException {
        Map<String, int[]> counts = new LinkedHashMap<>();
        byte[] bytes;
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (name.equals("<clinit>")) {
                    return mv;
                }
                AbortCheckVisitor v = new AbortCheckVisitor(Opcodes.ASM9, mv, !name.equals("<init>")) {
                    @Override
                    public void visitEnd() {
                        super.visitEnd();
                        counts.put(name, new int[] {checks(), skipped()});
                    }
                };
                return v;
            }
        }, 0);
        return counts;
    }

    @Test
    void checksAtEntryAndBackEdgesButNotInInnermostCountedLoops() throws Exception {
        Map<String, int[]> c = instrument(Loopy.class);
        assertEquals("[1, 1]", java.util.Arrays.toString(c.get("sumArray")), "entry only: the for over a.length is skipped");
        assertEquals("[1, 1]", java.util.Arrays.toString(c.get("mapArray")));
        assertEquals("[1, 1]", java.util.Arrays.toString(c.get("sumToN")), "i < n, n never written");
        assertEquals("[3, 0]", java.util.Arrays.toString(c.get("whileTrue")), "javac closes this loop twice: ifne and goto");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("writesItsIndex")), "i changed in the body: checked");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("boundChanges")), "n changed in the body: checked");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("lessOrEqual")), "i <= n may never end: checked");
        assertEquals("[2, 1]", java.util.Arrays.toString(c.get("nested")), "outer checked, inner skipped");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("doWhile")));
        assertEquals("[0, 0]", java.util.Arrays.toString(c.get("<init>")), "constructors: no entry check");
        assertEquals("[1, 2]", java.util.Arrays.toString(c.get("scanUp")), "a[i] read each time, i moves: bounded");
        assertEquals("[1, 1]", java.util.Arrays.toString(c.get("insertionStep")), "k >= from && a[k] > v; k--");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("readsAfterABranch")), "a[i] not read on every iteration");
        assertEquals("[2, 0]", java.util.Arrays.toString(c.get("arrayReplaced")), "the array changes in the loop");
        assertEquals("[3, 0]", java.util.Arrays.toString(c.get("skipsTheStep")), "i++ skipped on one path (javac closes it twice)");
        assertEquals("[1, 1]", java.util.Arrays.toString(c.get("forWithContinue")), "continue goes through i++");
    }

    @SuppressWarnings("unused")
    static final class Loopy {
        static int sink;

        static int sumArray(int[] a) {
            int s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i];
            }
            return s;
        }

        static void mapArray(int[] a, int[] out) {
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] * 3 + 1;
            }
        }

        static long sumToN(int n) {
            long s = 0;
            for (int i = 0; i < n; i++) {
                s += i;
            }
            return s;
        }

        static void whileTrue() {
            long x = 1;
            while (true) {
                x = x * 31 + 7;
                if (x == 42) {
                    sink++;
                }
            }
        }

        static int writesItsIndex(int[] a) {
            int s = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == 0) {
                    i = 0;
                }
                s += a[i];
            }
            return s;
        }

        static int boundChanges(int n) {
            int s = 0;
            for (int i = 0; i < n; i++) {
                n++;
                s += i;
            }
            return s;
        }

        static int lessOrEqual(int n) {
            int s = 0;
            for (int i = 0; i <= n; i++) {
                s += i;
            }
            return s;
        }

        static long nested(int[][] m) {
            long s = 0;
            for (int r = 0; r < m.length; r++) {
                int[] row = m[r];
                for (int i = 0; i < row.length; i++) {
                    s += row[i];
                }
            }
            return s;
        }

        static int scanUp(int[] a, int pivot, int i, int j) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            return i + j;
        }

        static void insertionStep(int[] a, int from, int k, int v) {
            while (k >= from && a[k] > v) {
                a[k + 1] = a[k];
                k--;
            }
            a[k + 1] = v;
        }

        static int readsAfterABranch(int[] a, boolean b, int i) {
            int s = 0;
            while (true) {
                if (b) {
                    s += a[i];
                }
                i++;
            }
        }

        static int arrayReplaced(int[] a, int i) {
            while (a[i] != 0) {
                a = new int[8];
                i++;
            }
            return i;
        }

        static int skipsTheStep(int[] a, int i) {
            int s = 0;
            while (a[i] != 0) {
                if (s > 3) {
                    s--;
                } else {
                    i++;
                }
            }
            return s;
        }

        static int forWithContinue(int[] a) {
            int s = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == 0) {
                    continue;
                }
                s += a[i];
            }
            return s;
        }

        static int doWhile(int n) {
            int i = 0;
            do {
                i++;
            } while (i < n);
            return i;
        }
    }
}
