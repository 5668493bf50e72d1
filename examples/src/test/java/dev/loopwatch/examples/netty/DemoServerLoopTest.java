package dev.loopwatch.examples.netty;

import dev.loopwatch.junit.LoopWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A project-style test of the demo service under {@link LoopWatch}: the agent comes in through Surefire's
 * argLine (see this module's pom.xml). The fast endpoint passes. The sleeping one is the deliberate
 * mistake: run {@code mvn -pl examples -am verify -Dloopwatch.demo.fail=true} to see loopwatch fail it
 * with the culprit line (it is off by default so that the build stays green).
 */
@LoopWatch(threshold = "50ms")
class DemoServerLoopTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start(0);
        for (int i = 0; i < 50; i++) {
            get("/fast"); // the first requests load classes and may stall for real
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fastEndpointKeepsTheLoopFree() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertEquals(200, get("/fast").statusCode());
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "loopwatch.demo.fail", matches = "true")
    void sleepingEndpointBlocksTheLoop() throws Exception {
        assertEquals(200, get("/sleep?ms=120").statusCode());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
