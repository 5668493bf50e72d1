package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskTimesTest {

    @Test
    void aGroupIsItsThreadsNameLessTheirNumber() {
        assertEquals("nioEventLoopGroup-3", TaskTimes.groupOf("nioEventLoopGroup-3-1"));
        assertEquals("vert.x-eventloop-thread", TaskTimes.groupOf("vert.x-eventloop-thread-0"));
        assertEquals("reactor-http-epoll", TaskTimes.groupOf("reactor-http-epoll-2"));
        assertEquals("test-loop", TaskTimes.groupOf("test-loop"));
        assertEquals("loop-", TaskTimes.groupOf("loop-"));
    }
}
