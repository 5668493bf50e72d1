package dev.loopwatch.agent;

import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.Test;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The name test in front of the library lines' transformer: every class a hook instruments must pass (else it
 * is silently never instrumented), and the rest of the libraries' classes must not (else the test saves nothing).
 */
class HookedNamesTest {

    private static HookedNames allLines(String options) throws Exception {
        LoopWatchConfig config = ConfigParser.parse(options, new Properties(), Map.of());
        return new HookedNames(AgentInstaller.lines(config), AgentInstaller.packages(config), null);
    }

    @Test
    void everyHookedClassPasses() throws Exception {
        HookedNames names = allLines("schedulers=on,executors=on");
        for (String hooked : List.of(
                "io/netty/util/concurrent/AbstractEventExecutor",
                "io/netty/util/concurrent/DefaultEventExecutor",
                "io/netty/channel/nio/NioEventLoop",
                "io/netty/channel/epoll/EpollEventLoop",
                "io/netty/channel/kqueue/KQueueEventLoop",
                "io/netty/channel/SingleThreadIoEventLoop",
                "io/netty/channel/nio/NioIoHandler$DefaultNioRegistration",
                "io/netty/channel/epoll/EpollIoHandler$DefaultEpollIoRegistration",
                "io/vertx/ext/web/impl/RouteState",
                "io/vertx/core/eventbus/impl/HandlerRegistration",
                "io/grpc/internal/ServerCallImpl$ServerStreamListenerImpl",
                "reactor/core/scheduler/ReactorThreadFactory",
                "reactor/core/scheduler/WorkerTask")) {
            assertTrue(names.test(hooked), hooked);
        }
    }

    @Test
    void otherClassesOfTheLibrariesAndTheApplicationDoNot() throws Exception {
        HookedNames names = allLines("schedulers=on,executors=on");
        for (String other : List.of("io/netty/buffer/ByteBuf", "io/netty/channel/nio/NioIoHandler",
                "io/vertx/core/impl/VertxImpl", "io/vertx/ext/web/impl/RouterImpl", "reactor/core/publisher/Mono",
                "com/acme/App", "java/lang/Thread")) {
            assertFalse(names.test(other), other);
        }
        assertFalse(allLines("executors=off").test("io/netty/util/concurrent/DefaultEventExecutor"),
                "DefaultEventExecutor is hooked only with executors=on");
    }

    @Test
    void othersSeeBinaryNamesOutsideTheLibraries() throws Exception {
        LoopWatchConfig config = ConfigParser.parse("", new Properties(), Map.of());
        List<String> asked = new ArrayList<>();
        HookedNames names = new HookedNames(AgentInstaller.lines(config), AgentInstaller.packages(config), name -> {
            asked.add(name);
            return name.startsWith("com.acme.");
        });
        assertTrue(names.test("com/acme/Handler$1"));
        assertFalse(names.test("org/other/Thing"));
        assertEquals(List.of("com.acme.Handler$1", "org.other.Thing"), asked);
    }

    @Test
    void theTransformerSeesOnlyNamesThatPass() throws Exception {
        List<String> seen = new ArrayList<>();
        byte[] changed = {1, 2, 3};
        ResettableClassFileTransformer delegate = new Recording(seen, changed);
        ClassFileTransformer filtered = NameFilteredTransformer.decorator(name -> name.startsWith("io/netty/"))
                .decorate(delegate);
        assertArrayEquals(changed, filtered.transform(null, null, "io/netty/Foo", null, null, new byte[0]));
        assertNull(filtered.transform(null, null, "com/acme/Foo", null, null, new byte[0]));
        assertNull(filtered.transform(null, null, null, null, null, new byte[0]));
        assertArrayEquals(changed, filtered.transform(null, "io/netty/Bar", null, null, new byte[0]));
        assertNull(filtered.transform(null, "com/acme/Bar", null, null, new byte[0]));
        assertEquals(List.of("io/netty/Foo", "io/netty/Bar"), seen);
    }

    /** A transformer that records the names it is asked about and answers every one with the same bytes. */
    private static final class Recording extends ResettableClassFileTransformer.AbstractBase {
        private final List<String> seen;
        private final byte[] answer;

        Recording(List<String> seen, byte[] answer) {
            this.seen = seen;
            this.answer = answer;
        }

        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                                byte[] bytes) {
            seen.add(name);
            return answer;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                ProtectionDomain domain, byte[] bytes) {
            seen.add(name);
            return answer;
        }

        @Override
        public Iterator<AgentBuilder.Transformer> iterator(TypeDescription type, ClassLoader loader, JavaModule module,
                                                           Class<?> redefined, ProtectionDomain domain) {
            return List.<AgentBuilder.Transformer>of().iterator();
        }

        @Override
        public boolean reset(Instrumentation instrumentation, ResettableClassFileTransformer transformer,
                             AgentBuilder.RedefinitionStrategy strategy,
                             AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discovery,
                             AgentBuilder.RedefinitionStrategy.BatchAllocator allocator,
                             AgentBuilder.RedefinitionStrategy.Listener listener) {
            return false;
        }
    }
}
