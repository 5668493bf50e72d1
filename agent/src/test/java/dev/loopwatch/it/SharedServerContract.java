package dev.loopwatch.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One forked server that all tests of a contract share: started before the first test, closed after the last,
 * and after each test the agent in it must have counted no error of its own ({@link ForkedServer#assertAgentHealthy}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedServerContract {
    ForkedServer server;

    /** Starts the server, with this contract's agent options. */
    abstract ForkedServer start() throws Exception;

    /** What the tests need done on the server first (a warm-up); the server is already held, so it is closed if this fails. */
    void prepare() throws Exception {
    }

    @BeforeAll
    final void startServer() throws Exception {
        server = start();
        prepare();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void agentHadNoError() throws Exception {
        server.assertAgentHealthy();
    }
}
