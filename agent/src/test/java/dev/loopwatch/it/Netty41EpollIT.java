package dev.loopwatch.it;

/** The agent on Netty 4.1 with the epoll transport. */
class Netty41EpollIT extends NettyAgentContract {
    Netty41EpollIT() {
        super("netty-4.1", "netty-4.2", "epoll");
    }
}
