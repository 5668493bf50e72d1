package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gRPC server on grpc-netty (Netty 4.2, {@code directExecutor()}) under the agent, called by a real
 * grpc-netty client: a stall in a service method is reported with the RPC and that method as task
 * ({@code grpc loopwatch.Stall/Spin (...StallServiceImpl.spin)}) and its stall as culprit.
 */
class GrpcIT extends FrameworkContract {
    private static final String FIXTURE = "dev.loopwatch.fixtures.grpc.GrpcFixture";
    private static final String SERVICE = FIXTURE + "$StallServiceImpl";
    private static final String STALL = "dev.loopwatch.fixtures.app.Stall.";

    GrpcIT() {
        super("grpc", FIXTURE);
    }

    @Test
    void nettyAndGrpcLinesAreInstrumented() throws Exception {
        JsonNode lines = server.status().get("instrumentations");
        assertTrue(lines.path("netty-4.2").asInt() >= 2, lines.toString());
        assertEquals(1, lines.path("grpc").asInt(), "ServerCallImpl$ServerStreamListenerImpl: " + lines);
    }

    @Test
    void spinningServiceMethodIsReported() throws Exception {
        String task = "grpc loopwatch.Stall/Spin (" + SERVICE + ".spin)";
        assertStall("/spin?ms=300", STALL + "spin(", task::equals, task, "grpc-nio-worker-", "loop");
    }

    @Test
    void sleepingServiceMethodIsReported() throws Exception {
        String task = "grpc loopwatch.Stall/Sleep (" + SERVICE + ".sleep)";
        assertStall("/sleep?ms=300", STALL + "sleep(", task::equals, task, "grpc-nio-worker-", "loop");
    }

    @Test
    void blockingCallInServiceMethodNamesTheCall() throws Exception {
        assertBlockingCallTask("/sleep?ms=20", STALL + "sleep(", "grpc loopwatch.Stall/Sleep (" + SERVICE + ".sleep)");
    }

    @Test
    void fastCallsProduceNoReport() throws Exception {
        assertFastRequestsAreSilent(1000);
    }
}
