import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a JVMTI agent library into a running JVM with one option string: what async-profiler's own
 * launcher does, without it (Maven Central ships the library, not the launcher; {@code jcmd
 * JVMTI.agent_load} splits options at '='). Run as a single-file program by {@code loop-profile.sh}:
 *
 * <pre>java AttachProfiler.java pid /path/libasyncProfiler.so start,event=cpu,threads</pre>
 */
public final class AttachProfiler {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
