package dev.loopwatch.it;

/** action=interrupt on Netty 4.1, nio. */
class Netty41InterruptIT extends InterruptActionContract {
    Netty41InterruptIT() {
        super(ActionServer.netty("netty-4.1", "nio"));
    }
}
