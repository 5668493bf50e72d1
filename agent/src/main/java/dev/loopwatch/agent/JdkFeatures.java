package dev.loopwatch.agent;

/**
 * What the agent relies on that depends on the running JDK's feature release, decided in one place (the README's
 * "Per-JDK differences" table says what each means for the user).
 */
final class JdkFeatures {
    private JdkFeatures() {
    }

    /**
     * {@code jdk.internal.vm.Continuation}, for {@code action=slice}: JDK 21+ (virtual threads' own). Before JDK 24 a
     * continuation is pinned while it holds a monitor, from 24 on it is not (JEP 491): the bridge checks for held
     * monitors itself either way.
     */
    static boolean continuations(int feature) {
        return feature >= 21;
    }
}
