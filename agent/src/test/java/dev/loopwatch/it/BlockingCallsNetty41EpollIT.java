package dev.loopwatch.it;

/** Blocking calls on Netty 4.1 epoll loops. */
class BlockingCallsNetty41EpollIT extends BlockingCallsContract {
    BlockingCallsNetty41EpollIT() {
        super("netty-4.1", "epoll");
    }
}
