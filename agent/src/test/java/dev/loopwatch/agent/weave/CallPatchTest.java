package dev.loopwatch.agent.weave;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls redirected in place, checked against the same redirect done with ASM on thousands of real class files
 * (Netty's jars and {@code java.base}), and run: a patched class must pass the verifier and behave.
 */
class CallPatchTest {
    static final String HOOKS = "dev/loopwatch/agent/weave/CallPatchTest$Hooks";
    /** Every instance {@code hashCode()} and {@code size()} (virtual or interface), and {@code Math.abs(I)I}. */
    static final CallPatch.Redirect[] REDIRECTS = {
            new CallPatch.Redirect(false, null, "hashCode", "()I", "hash", "(Ljava/lang/Object;)I"),
            new CallPatch.Redirect(false, null, "size", "()I", "size", "(Ljava/lang/Object;)I"),
            new CallPatch.Redirect(true, "java/lang/Math", "abs", "(I)I", "abs", "(I)I"),
    };
    static final CallPatch.Skip NONE = (className, method) -> false;

    /** The redirects' targets; they count their calls. */
    public static final class Hooks {
        static int calls;

        public static int hash(Object o) {
            calls++;
            return o.hashCode();
        }

        public static int size(Object o) {
            calls++;
            return ((java.util.Collection<?>) o).size();
        }

        public static int abs(int v) {
            calls++;
            return Math.abs(v);
        }
    }

    /** Calls of every kind, between switches whose padding depends on where they fall, and wide locals. */
    public static class Calls implements java.util.function.IntSupplier {
        @Override
        public int getAsInt() {
            java.util.List<String> list = new ArrayList<>(List.of("a", "b"));   // invokeinterface size() below
            ArrayList<String> array = new ArrayList<>(list);                   // invokevirtual size() below
            int sum = 0;
            for (int i = 0; i < 3; i++) {
                switch (i) {                                                   // tableswitch
                    case 0: sum += list.size(); break;
                    case 1: sum += array.size(); break;
                    case 2: sum += Math.abs(-4); break;
                    default: break;
                }
                switch (i * 1000) {                                            // lookupswitch
                    case 0: sum += "x".hashCode() & 1; break;
                    case 2000: sum += 100; break;
                    default: break;
                }
            }
            return sum + wide();
        }

        /** More than 255 locals: loads, stores and iinc of the last ones are {@code wide}. */
        private static int wide() {
            long l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0, l8 = 0, l9 = 0, l10 = 0, l11 = 0;
            long m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 0, m9 = 0, m10 = 0, m11 = 0;
            long n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0, n6 = 0, n7 = 0, n8 = 0, n9 = 0, n10 = 0, n11 = 0;
            long o0 = 0, o1 = 0, o2 = 0, o3 = 0, o4 = 0, o5 = 0, o6 = 0, o7 = 0, o8 = 0, o9 = 0, o10 = 0, o11 = 0;
            long p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0, p8 = 0, p9 = 0, p10 = 0, p11 = 0;
            long q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0, q8 = 0, q9 = 0, q10 = 0, q11 = 0;
            long r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0, r8 = 0, r9 = 0, r10 = 0, r11 = 0;
            long s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0;
            long t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9 = 0, t10 = 0, t11 = 0;
            long u0 = 0, u1 = 0, u2 = 0, u3 = 0, u4 = 0, u5 = 0, u6 = 0, u7 = 0, u8 = 0, u9 = 0, u10 = 0, u11 = 0;
            long v0 = 0, v1 = 0, v2 = 0, v3 = 0, v4 = 0, v5 = 0, v6 = 0, v7 = 0, v8 = 0, v9 = 0, v10 = 0, v11 = 0;
            int last = 0;
            for (int k = 0; k < 2; k++) {
                last += 300;                                                   // wide iinc
            }
            last = Math.abs(last - 1000) + (int) (l0 + m1 + n2 + o3 + p4 + q5 + r6 + s7 + t8 + u9 + v10 + v11);
            return last;
        }
    }

    @Test
    void aPatchedClassVerifiesAndRunsThroughTheRedirects() throws Exception {
        byte[] original = bytes(Calls.class);
        byte[] patched = CallPatch.apply(original, REDIRECTS, HOOKS, NONE);
        assertNotNull(patched);
        assertEquals(redirectedByAsm(original), invokes(patched), "the same calls as ASM's redirect");
        Class<?> type = new ClassLoader(getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass(Calls.class.getName(), patched, 0, patched.length);
            }
        }.define();
        int expected = new Calls().getAsInt();
        Hooks.calls = 0;
        int result = ((java.util.function.IntSupplier) type.getConstructor().newInstance()).getAsInt();
        assertEquals(expected, result);
        assertEquals(5, Hooks.calls, "list.size, array.size, Math.abs twice, hashCode once");
    }

    @Test
    void aClassWithoutSuchCallsOrWithThemOnlyInSkippedMethodsIsLeftAlone() throws Exception {
        CallPatch.Redirect[] none = {new CallPatch.Redirect(false, null, "nothingCallsThis", "()V", "x", "()V")};
        assertNull(CallPatch.apply(bytes(Calls.class), none, HOOKS, NONE));
        CallPatch.Skip all = (className, method) -> {
            assertEquals(Calls.class.getName(), className);
            return true;
        };
        assertNull(CallPatch.apply(bytes(Calls.class), REDIRECTS, HOOKS, all));
        CallPatch.Skip wide = (className, method) -> method.equals("wide");
        byte[] patched = CallPatch.apply(bytes(Calls.class), REDIRECTS, HOOKS, wide);
        assertNotNull(patched);
        assertTrue(invokes(patched).stream().anyMatch(c -> c.startsWith("wide: 184 java/lang/Math.abs")),
                "the skipped method's call is left");
    }

    /**
     * Every class of Netty's jars and of {@code java.base}'s {@code java.util} and {@code java.lang}: the patch and ASM
     * redirect exactly the same calls (an instruction decoded at a wrong offset would show as a missing or extra
     * call), and ASM reads every patched class back.
     */
    @Test
    void onRealClassFilesThePatchRedirectsWhatAsmRedirects() throws Exception {
        int classes = 0;
        int patched = 0;
        for (byte[] original : realClassFiles()) {
            classes++;
            byte[] out = CallPatch.apply(original, REDIRECTS, HOOKS, NONE);
            List<String> expected = redirectedByAsm(original);
            if (out == null) {
                assertTrue(expected.stream().noneMatch(c -> c.contains(HOOKS)), () -> "missed calls in "
                        + new ClassReader(original).getClassName());
                continue;
            }
            patched++;
            new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) { }, ClassReader.EXPAND_FRAMES);
            assertEquals(expected, invokes(out), new ClassReader(original).getClassName());
        }
        assertTrue(classes > 3000 && patched > 300, classes + " classes, " + patched + " patched");
    }

    /** The method calls of each method, as {@code method: opcode owner.name descriptor}. */
    private static List<String> invokes(byte[] bytes) {
        List<String> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        calls.add(name + ": " + opcode + " " + owner + "." + method + " " + desc);
                    }
                };
            }
        }, 0);
        return calls;
    }

    /** {@link #invokes} of the class as ASM would redirect its calls. */
    private static List<String> redirectedByAsm(byte[] bytes) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        for (CallPatch.Redirect r : REDIRECTS) {
                            if (r.matches(opcode, owner, method, desc)) {
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, r.toName(), r.toDescriptor(), false);
                                return;
                            }
                        }
                        super.visitMethodInsn(opcode, owner, method, desc, itf);
                    }
                };
            }
        }, 0);
        return invokes(writer.toByteArray());
    }

    private static List<byte[]> realClassFiles() throws Exception {
        List<byte[]> files = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar") || !new File(entry).getName().startsWith("netty-")) {
                continue;
            }
            try (ZipFile jar = new ZipFile(entry)) {
                for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    ZipEntry z = e.nextElement();
                    if (z.getName().endsWith(".class") && !z.getName().endsWith("module-info.class")) {
                        try (InputStream in = jar.getInputStream(z)) {
                            files.add(in.readAllBytes());
                        }
                    }
                }
            }
        }
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        for (String dir : new String[] {"java/util", "java/lang"}) {
            try (Stream<Path> paths = Files.walk(jrt.getPath("/modules/java.base", dir))) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    if (p.toString().endsWith(".class")) {
                        files.add(Files.readAllBytes(p));
                    }
                }
            }
        }
        return files;
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }
}
