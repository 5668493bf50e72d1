package dev.loopwatch.agent;

import dev.loopwatch.agent.abort.AbortInstrumentation;
import dev.loopwatch.agent.blocking.CallSiteRewriter;
import dev.loopwatch.agent.weave.ClassFiles;
import dev.loopwatch.agent.weave.MethodInfo;
import dev.loopwatch.core.Instrumentations;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * loopwatch's one class file transformer: the hooks of every library line, the abort checks and the call-site
 * rewrite, woven in one read and one write of a class. Registered in {@code premain} before the application's
 * first class loads, so library classes get their hooks as they load, and never need a retransformation.
 *
 * <p>The JVM calls it for every class it loads, on whatever thread loads it (a loop's included), so the common
 * case, a class nothing applies to, costs one hash look-up, a few prefix tests and, for application classes, one
 * walk of the constant pool ({@link CallSiteRewriter#mentions}). Nothing here loads a class or logs: what was
 * woven is recorded in {@link Instrumentations}, a failure is counted and said once, and the class is then left as
 * it was.
 */
final class Weaver implements ClassFileTransformer {
    /** One hook and the line it belongs to. */
    private record LineHook(LibraryLine line, LoaderHasResources guard, Hook hook) {
        boolean appliesIn(ClassLoader loader) {
            return guard == null || guard.matches(loader);
        }
    }

    private final Map<String, List<LineHook>> named = new HashMap<>();
    private final List<LineHook> patterns = new ArrayList<>();
    private final AbortInstrumentation abort;
    private final CallSiteRewriter rewriter;
    private final BridgeVisibility bridge;

    /**
     * @param abort    the abort checks, or null
     * @param rewriter the call-site rewrite, or null
     */
    Weaver(List<LibraryLine> lines, AbortInstrumentation abort, CallSiteRewriter rewriter, BridgeVisibility bridge) {
        for (LibraryLine line : lines) {
            LoaderHasResources guard = line.guarded() ? new LoaderHasResources(line.required(), line.forbidden()) : null;
            for (Hook hook : line.hooks()) {
                LineHook h = new LineHook(line, guard, hook);
                if (hook.type().isPattern()) {
                    patterns.add(h);
                }
                for (String name : hook.type().names()) {
                    List<LineHook> same = named.get(name);
                    if (same == null) {
                        named.put(name, same = new ArrayList<>(2));
                    }
                    same.add(h);
                }
            }
        }
        this.abort = abort;
        this.rewriter = rewriter;
        this.bridge = bridge;
    }

    /**
     * Whether a class of this name and loader gets anything but the call-site rewrite (which depends on its
     * bytes): for choosing which loaded classes to retransform.
     */
    boolean wantsByName(ClassLoader loader, String internalName) {
        return !hooks(loader, internalName).isEmpty() || aborts(internalName);
    }

    /**
     * Whether the allow-list's advice is all that applies to this class: it can come after the rest, since calls in
     * an allow-listed method are also matched on the stack, and dropped there.
     */
    boolean onlyAllowListWants(ClassLoader loader, String internalName) {
        List<LineHook> hooks = hooks(loader, internalName);
        if (hooks.isEmpty() || aborts(internalName)) {
            return false;
        }
        for (LineHook h : hooks) {
            if (!h.line().name().equals(BlockingInstaller.ALLOW_LINE)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the call-site rewrite would change this class (its bytes as loaded). */
    boolean rewrites(ClassLoader loader, String internalName, byte[] bytes) {
        return mayRewrite(loader, internalName, bytes) && rewriter.rewrite(bytes) != null;
    }

    /** Whether the call-site rewrite may change this class: in its scope, and naming a substituted method. */
    private boolean mayRewrite(ClassLoader loader, String internalName, byte[] bytes) {
        return rewriter != null && CallSiteRewriter.inScope(loader, internalName) && rewriter.mentions(bytes);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] bytes) {
        if (internalName == null) {
            return null; // a hidden class
        }
        List<LineHook> hooks = hooks(loader, internalName);
        boolean aborts = aborts(internalName);
        boolean rewrites = mayRewrite(loader, internalName, bytes);
        if (hooks.isEmpty() && !aborts && !rewrites) {
            return null;
        }
        String className = internalName.replace('/', '.');
        if (!bridge.visibleFrom(module, loader, className)) {
            return null;
        }
        // The call-site rewrite patches the bytes in place, without ASM (see CallSiteRewriter): a class that only
        // needs it is never parsed, and the hooks go into the rewritten class. Each part that fails is left out
        // alone: a hook that cannot be woven does not cost the class its rewrite.
        byte[] rewritten = null;
        if (rewrites) {
            try {
                rewritten = rewriter.rewrite(bytes);
            } catch (Throwable t) {
                Instrumentations.failed("call-site rewrite", className, t);
            }
        }
        if (hooks.isEmpty() && !aborts) {
            return rewritten;
        }
        try {
            byte[] woven = weave(className, rewritten != null ? rewritten : bytes, hooks, aborts);
            return woven != null ? woven : rewritten;
        } catch (Throwable t) {
            Instrumentations.failed(!hooks.isEmpty() ? hooks.get(0).line().name() : "abort", className, t);
            return rewritten;
        }
    }

    private List<LineHook> hooks(ClassLoader loader, String internalName) {
        List<LineHook> exact = named.get(internalName);
        List<LineHook> out = List.of(); // the common case, a class no hook names, allocates nothing
        if (exact != null) {
            for (LineHook h : exact) {
                if (h.appliesIn(loader)) {
                    out = add(out, h);
                }
            }
        }
        for (LineHook h : patterns) {
            if (h.hook().type().matches(internalName) && h.appliesIn(loader)) {
                out = add(out, h);
            }
        }
        return out;
    }

    private static List<LineHook> add(List<LineHook> hooks, LineHook h) {
        List<LineHook> more = hooks.isEmpty() ? new ArrayList<>(2) : hooks;
        more.add(h);
        return more;
    }

    private boolean aborts(String internalName) {
        return abort != null && abort.acceptsName(internalName.replace('/', '.'));
    }

    /** The class with the hooks and abort checks woven into it, or null when none applies to any of its methods. */
    private byte[] weave(String className, byte[] in, List<LineHook> hooks, boolean aborts) {
        ClassReader reader = ClassFiles.reader(in);
        int version = ClassFiles.majorVersion(in);
        Set<String> declared = needsDeclaredNames(hooks) ? declaredMethodNames(reader) : Set.of();
        boolean expand = false;
        for (LineHook h : hooks) {
            expand |= h.hook().advice().expandsFrames();
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        Set<String> woven = new LinkedHashSet<>();
        String internalName = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return mv;
                }
                MethodInfo method = new MethodInfo(internalName, access, name, descriptor, version);
                for (LineHook h : hooks) {
                    Hook hook = h.hook();
                    if (hook.methods().matches(access, name, descriptor)
                            && (hook.unlessDeclared() == null || !declared.contains(hook.unlessDeclared()))) {
                        mv = hook.advice().wrap(mv, method);
                        woven.add(h.line().name());
                    }
                }
                if (aborts && abort.acceptsMethod(access, name)) {
                    mv = abort.wrap(mv, name);
                    woven.add("abort");
                }
                return mv;
            }
        }, expand ? ClassReader.EXPAND_FRAMES : 0);
        if (woven.isEmpty()) {
            return null;
        }
        byte[] out = ClassFiles.withVersionOf(in, writer.toByteArray());
        for (String line : woven) {
            Instrumentations.applied(line, className);
        }
        return out;
    }

    private static boolean needsDeclaredNames(List<LineHook> hooks) {
        for (LineHook h : hooks) {
            if (h.hook().unlessDeclared() != null) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> declaredMethodNames(ClassReader reader) {
        Set<String> names = new HashSet<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                names.add(name);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return names;
    }
}
