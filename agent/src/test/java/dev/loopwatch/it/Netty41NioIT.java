package dev.loopwatch.it;

/** The agent on Netty 4.1 with the nio transport. */
class Netty41NioIT extends NettyAgentContract {
    Netty41NioIT() {
        super("netty-4.1", "netty-4.2", "nio");
    }
}
