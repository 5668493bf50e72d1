package dev.loopwatch.it;

/** action=abort on Netty 4.2, epoll. */
class Netty42AbortIT extends AbortActionContract {
    Netty42AbortIT() {
        super(ActionServer.netty("netty-4.2", "epoll"));
    }
}
