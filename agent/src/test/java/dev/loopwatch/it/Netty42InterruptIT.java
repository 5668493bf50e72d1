package dev.loopwatch.it;

/** action=interrupt on Netty 4.2, nio. */
class Netty42InterruptIT extends InterruptActionContract {
    Netty42InterruptIT() {
        super(ActionServer.netty("netty-4.2", "nio"));
    }
}
