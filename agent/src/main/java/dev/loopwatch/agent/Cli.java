package dev.loopwatch.agent;

import java.io.PrintStream;

/**
 * The agent jar's {@code Main-Class}: {@code java -jar loopwatch-agent.jar attach <pid> [options]} loads loopwatch into
 * a running JVM (a second attach changes its options instead, see {@link LiveOptions}), {@code list} shows the JVMs it
 * can attach to. Every failure is one line on standard error naming the problem, and a non-zero exit: 2 for a wrong
 * command line, 1 when the attach itself failed.
 *
 * <p>This class links to no {@code jdk.attach} type, so that a runtime without that module (a JRE, a jlink'd image)
 * gets a one-line error rather than a {@code NoClassDefFoundError} from the verifier; {@link AttachCommand} does the
 * work.
 */
public final class Cli {
    static final String USAGE = "usage: java -jar loopwatch-agent.jar attach <pid> [option=value ...] | list";
    static final int BAD_COMMAND = 2;
    static final int FAILED = 1;

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new Cli(System.out, System.err).run(args);
        System.exit(status);
    }

    int run(String[] args) {
        if (args.length == 0) {
            return fail(BAD_COMMAND, USAGE);
        }
        switch (args[0]) {
            case "attach":
                return noAttachApi() ? noAttachApiError() : new AttachCommand(out, err).attach(args);
            case "list":
                if (args.length > 1) {
                    return fail(BAD_COMMAND, "loopwatch: list takes no arguments; " + USAGE);
                }
                return noAttachApi() ? noAttachApiError() : new AttachCommand(out, err).list();
            case "help":
            case "-h":
            case "--help":
                out.println(USAGE);
                return 0;
            default:
                return fail(BAD_COMMAND, "loopwatch: unknown command '" + args[0] + "'; valid commands: attach, list; "
                        + USAGE);
        }
    }

    private static boolean noAttachApi() {
        return ModuleLayer.boot().findModule("jdk.attach").isEmpty();
    }

    private int noAttachApiError() {
        return fail(FAILED, "loopwatch: this Java runtime has no jdk.attach module (a JRE or a jlink'd image); run the"
                + " attach command with a full JDK's java");
    }

    private int fail(int status, String line) {
        err.println(line);
        return status;
    }
}
