package dev.loopwatch.it;

/** action=abort on Netty 4.1, nio. */
class Netty41AbortIT extends AbortActionContract {
    Netty41AbortIT() {
        super(ActionServer.netty("netty-4.1", "nio"));
    }
}
