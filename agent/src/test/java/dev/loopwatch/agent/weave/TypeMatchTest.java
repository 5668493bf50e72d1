package dev.loopwatch.agent.weave;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypeMatchTest {
    @Test
    void aPatternMatchesItsPrefixThenItsPartThenItsSuffix() {
        TypeMatch registrations = TypeMatch.matching("io.netty.channel.", "IoHandler$", "Registration");
        assertTrue(registrations.isPattern());
        assertTrue(registrations.matches("io/netty/channel/nio/NioIoHandler$DefaultNioRegistration"));
        assertTrue(registrations.matches("io/netty/channel/epoll/EpollIoHandler$DefaultEpollIoRegistration"));
        assertFalse(registrations.matches("io/netty/channel/nio/NioIoHandler$DefaultNioRegistration$1"));
        assertFalse(registrations.matches("io/netty/channel/nio/NioIoHandler"), "no part");
        assertFalse(registrations.matches("io/netty/handler/SslIoHandler$Registration"), "another prefix");
        // The part is looked for after the prefix, never inside it.
        assertFalse(TypeMatch.matching("a.IoHandler$", "IoHandler$", "X").matches("a/IoHandler$X"));
    }

    @Test
    void namesMatchExactly() {
        TypeMatch loop = TypeMatch.named("io.netty.channel.nio.NioEventLoop");
        assertFalse(loop.isPattern());
        assertTrue(loop.matches("io/netty/channel/nio/NioEventLoop"));
        assertFalse(loop.matches("io/netty/channel/nio/NioEventLoop$1"));
    }
}
