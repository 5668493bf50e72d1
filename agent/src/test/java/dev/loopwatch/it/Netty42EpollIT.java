package dev.loopwatch.it;

/** The agent on Netty 4.2 with the epoll transport. */
class Netty42EpollIT extends NettyAgentContract {
    Netty42EpollIT() {
        super("netty-4.2", "netty-4.1", "epoll");
    }
}
