package dev.loopwatch.agent;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static dev.loopwatch.agent.Cli.BAD_COMMAND;
import static dev.loopwatch.agent.Cli.FAILED;
import static dev.loopwatch.agent.Cli.USAGE;

/**
 * {@code attach} and {@code list} through the JDK's attach API. Runs in the command's own JVM only, from the system
 * class loader: it links to {@code jdk.attach}, which the bootstrap loader does not see, so
 * {@link BootstrapAgentLoader} leaves it out.
 */
final class AttachCommand {
    private final PrintStream out;
    private final PrintStream err;

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int list() {
        long self = ProcessHandle.current().pid();
        for (VirtualMachineDescriptor vm : VirtualMachine.list()) {
            if (!vm.id().equals(Long.toString(self))) {
                String name = vm.displayName().trim();
                int space = name.indexOf(' ');
                out.println(vm.id() + " " + (name.isEmpty() ? "(unknown main class)" : space < 0 ? name : name.substring(0, space)));
            }
        }
        return 0;
    }

    int attach(String[] args) {
        if (args.length < 2) {
            return fail(BAD_COMMAND, "loopwatch: attach needs a process id; " + USAGE);
        }
        long pid;
        try {
            pid = Long.parseLong(args[1]);
        } catch (NumberFormatException e) {
            return fail(BAD_COMMAND, "loopwatch: '" + args[1] + "' is not a process id; `java -jar loopwatch-agent.jar"
                    + " list` shows the JVMs to attach to");
        }
        List<String> items = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            if (!args[i].isBlank()) {
                items.add(args[i]);
            }
        }
        String options = String.join(",", items);
        try {
            // Checked here, so that a typo is said to the user who typed it, not to the service's stderr.
            ConfigParser.parse(options, new Properties(), Map.of());
        } catch (ConfigException e) {
            return fail(BAD_COMMAND, e.getMessage().replace("loopwatch is off", "nothing was attached"));
        }
        if (pid == ProcessHandle.current().pid()) {
            return fail(BAD_COMMAND, "loopwatch: " + pid + " is this attach command itself; give the service's pid");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return fail(FAILED, "loopwatch: no process with pid " + pid + "; `java -jar loopwatch-agent.jar list` shows"
                    + " the JVMs to attach to");
        }
        String me = System.getProperty("user.name");
        String owner = process.get().info().user().orElse(null);
        if (owner != null && !owner.equals(me) && !me.equals("root")) {
            return fail(FAILED, "loopwatch: process " + pid + " belongs to user " + owner + ", not to " + me
                    + ": a JVM only lets its own user attach; run the command as " + owner
                    + " (sudo -u " + owner + " java -jar loopwatch-agent.jar attach " + pid + " ...)");
        }
        String jar;
        try {
            jar = new File(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
        } catch (Exception e) {
            return fail(FAILED, "loopwatch: cannot tell where the agent jar is (" + e + "); run it as java -jar loopwatch-agent.jar");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("does not support the attach mechanism")) {
                return fail(FAILED, "loopwatch: the JVM " + pid + " has attach disabled (-XX:+DisableAttachMechanism);"
                        + " restart it without that flag, or with -javaagent:" + jar);
            }
            return fail(FAILED, "loopwatch: cannot attach to process " + pid + " (" + why + "); is it a JVM of the same"
                    + " user, in the same container?");
        } catch (IOException e) {
            return fail(FAILED, "loopwatch: cannot attach to process " + pid + " (" + e.getMessage() + "); is it a JVM"
                    + " of the same user, in the same container?");
        }
        try {
            String version = vm.getSystemProperties().getProperty("java.specification.version", "");
            if (feature(version) < 17) {
                return fail(FAILED, "loopwatch: the JVM " + pid + " runs Java " + version + "; loopwatch needs Java 17"
                        + " or later");
            }
            vm.loadAgent(jar, options);
            String outcome = vm.getSystemProperties().getProperty(AgentMain.OUTCOME);
            if (outcome == null) {
                return fail(FAILED, "loopwatch: the agent was loaded into " + pid + " but gave no answer; see the"
                        + " service's standard error");
            }
            if (!outcome.startsWith("loopwatch is running") && !outcome.startsWith("loopwatch was already running")) {
                return fail(FAILED, outcome);
            }
            out.println(outcome.replaceFirst("^loopwatch ", "loopwatch in " + pid + " "));
            return 0;
        } catch (AgentLoadException | AgentInitializationException e) {
            return fail(FAILED, "loopwatch: the JVM " + pid + " could not load the agent (" + e.getMessage()
                    + "); see its standard error");
        } catch (IOException e) {
            return fail(FAILED, "loopwatch: lost the connection to " + pid + " while attaching (" + e.getMessage() + ")");
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the agent is in or it is not: nothing left to do about the connection
            }
        }
    }

    private static int feature(String specificationVersion) {
        try {
            return Integer.parseInt(specificationVersion.startsWith("1.") ? specificationVersion.substring(2)
                    : specificationVersion);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // an unknown form: let the load say what it thinks
        }
    }

    private int fail(int status, String line) {
        err.println(line);
        return status;
    }
}
