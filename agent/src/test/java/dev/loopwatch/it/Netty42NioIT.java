package dev.loopwatch.it;

/** The agent on Netty 4.2 with the nio transport. */
class Netty42NioIT extends NettyAgentContract {
    Netty42NioIT() {
        super("netty-4.2", "netty-4.1", "nio");
    }
}
