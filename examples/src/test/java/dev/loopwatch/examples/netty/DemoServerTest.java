package dev.loopwatch.examples.netty;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service without the agent: each endpoint answers, bad input is a 400, and it can pick a free port. */
class DemoServerTest {
    private static DemoServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start(0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void endpoints() throws Exception {
        assertTrue(server.port() > 0);
        assertEquals("fast\n", get("/fast").body());
        HttpResponse<String> sleep = get("/sleep?ms=5");
        assertEquals(200, sleep.statusCode());
        assertTrue(sleep.body().startsWith("slept "), sleep.body());
        HttpResponse<String> spin = get("/spin?ms=5");
        assertEquals(200, spin.statusCode());
        assertTrue(spin.body().startsWith("spun "), spin.body());
    }

    @Test
    void badRequests() throws Exception {
        assertEquals(404, get("/nope").statusCode());
        assertEquals(400, get("/spin?ms=abc").statusCode());
        assertEquals(400, get("/sleep?ms=" + (DemoHandler.MAX_MS + 1)).statusCode());
    }

    @Test
    void port() {
        assertEquals(DemoServer.DEFAULT_PORT, DemoServer.port(null));
        assertEquals(0, DemoServer.port("0"));
        assertEquals(9000, DemoServer.port(" 9000 "));
        assertThrows(IllegalArgumentException.class, () -> DemoServer.port("70000"));
        assertThrows(IllegalArgumentException.class, () -> DemoServer.port("http"));
    }
}
