package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * action=abort on a Vert.x web fixture: the {@link AbortActionContract}, and an abort that reaches vertx-web's
 * own error handling (no application failure handler answers it): Vert.x answers 500 all the same.
 */
abstract class VertxAbortContract extends AbortActionContract {
    VertxAbortContract(String module) {
        super(ActionServer.vertx(module));
    }

    @Test
    void withoutAnApplicationFailureHandlerVertxAnswers500() throws Exception {
        long lastStall = server.lastStallId();
        int before = server.reports().size();
        HttpResponse<String> aborted = server.send("/abort/unhandled");
        assertEquals(500, aborted.statusCode(), aborted.body());
        assertEquals("Internal Server Error", aborted.body());
        List<JsonNode> aborts = server.awaitReports(before,
                r -> r.get("type").asText().equals("abort") && r.path("id").asLong() > lastStall, 1, 5);
        assertEquals(1, aborts.size(), server.reports().toString());
        assertTrue(aborts.get(0).get("culprit").asText().startsWith("com.acme.work.Busy.forever("), aborts.toString());
        assertEquals("ok", server.get("/fast"));
    }
}
