package dev.loopwatch.agent;

import dev.loopwatch.agent.netty.NettyInstrumentation;
import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.LoopWatchConfig;

import java.lang.instrument.Instrumentation;

/** Starts loopwatch in this JVM: options, the bootstrap bridge, the engine, the instrumentations. */
final class AgentInstaller {
    private static boolean installed;

    private AgentInstaller() {
    }

    static synchronized void install(String args, Instrumentation inst, boolean late) throws Exception {
        if (installed) {
            return;
        }
        LoopWatchConfig config;
        try {
            config = ConfigParser.fromEnvironment(args);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return;
        }
        // The bridge must be in the bootstrap loader before anything links to it: core, and the advice.
        BootstrapBridge.inject(inst);
        LoopWatch.start(config);
        for (LibraryLine line : NettyInstrumentation.lines()) {
            LineInstaller.install(inst, line, "io.netty.");
        }
        installed = true;
    }
}
