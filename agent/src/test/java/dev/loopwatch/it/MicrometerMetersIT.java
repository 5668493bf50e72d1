package dev.loopwatch.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An application with Micrometer gets loopwatch's meters in its registry, found at run time by reflection. */
class MicrometerMetersIT {

    @Test
    void stallsBlockingCallsAndLagReachTheApplicationsRegistry() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").withMeters()
                .agentArgs("threshold=50ms,lag=10ms").start()) {
            server.warmUp();
            server.get("/spin?ms=150");
            server.get("/block?kind=sleep&ms=5");
            String meters = server.meters(m -> m.contains("FixtureServer$Handler.spin") && m.contains("loopwatch.loop.lag")
                    && m.contains("loopwatch.tasks")
                    && m.contains("loopwatch.stall.duration") && m.contains("java.lang.Thread.sleep"));
            assertTrue(meters.matches("(?s).*loopwatch\\.stalls\\{[^}]*cause=task[^}]*culprit=dev\\.loopwatch\\.it\\."
                    + "FixtureServer\\$Handler\\.spin\\(FixtureServer\\.java:\\d+\\)[^}]*kind=loop} count=1\\.0.*"), meters);
            assertTrue(meters.matches("(?s).*loopwatch\\.blocking\\.calls\\{call=java\\.lang\\.Thread\\.sleep,[^}]*}"
                    + " count=1\\.0.*"), meters);
            assertTrue(meters.matches("(?s).*loopwatch\\.stall\\.duration\\{cause=task,kind=loop} count=[1-9].*"), meters);
            assertTrue(meters.matches("(?s).*loopwatch\\.loop\\.lag\\{loop=[^,]+,statistic=p99} value=.*"), meters);
            assertTrue(meters.matches("(?s).*loopwatch\\.tasks\\{group=nioEventLoopGroup-3} count=[1-9][0-9]{2,}.*"),
                    "the worker group ran the warm-up's hundreds of tasks: " + meters);
            assertTrue(meters.matches("(?s).*loopwatch\\.task\\.duration\\{group=nioEventLoopGroup-3,statistic=max}"
                    + " value=(0\\.1[4-9]|0\\.[2-9]|[1-9]).*"), "the 150 ms spin is timed (or the cold start's longer"
                    + " stall): " + meters);
            assertEquals(0, server.status().get("errors").asLong());
        }
    }

    @Test
    void withoutMicrometerNothingIsSaid() throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("threshold=50ms").start()) {
            server.warmUp();
            server.get("/spin?ms=100");
            Thread.sleep(200);
            assertTrue(server.stderr().lines().noneMatch(l -> l.contains("Micrometer")), server.stderr());
            server.assertAgentHealthy();
        }
    }
}
