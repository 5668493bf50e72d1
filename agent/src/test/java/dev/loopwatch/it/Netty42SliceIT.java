package dev.loopwatch.it;

/** action=slice on Netty 4.2, NIO, one worker loop. */
class Netty42SliceIT extends SliceActionContract {
    Netty42SliceIT() {
        super(() -> ForkedServer.on("netty-4.2", "nio").mainClass(SliceServer.class));
    }
}
