package dev.loopwatch.it;

/** Blocking calls on Netty 4.2 NIO loops. */
class BlockingCallsNetty42NioIT extends BlockingCallsContract {
    BlockingCallsNetty42NioIT() {
        super("netty-4.2", "nio");
    }
}
