# Shared by the example scripts (sourced, not run): paths, messages, the JDK check, the build and stopping
# the server. The sourcing script has already changed to the repository root; every path is relative to it.

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
AGENT=agent/target/loopwatch-agent.jar
CLASSPATH_DEMO="examples/target/classes:examples/target/lib/*"
SCRIPT_NAME=$(basename "$0")

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\n%s: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# require_jdk: a java of version 17 or later, else a one-line reason.
require_jdk() {
    command -v "$JAVA" >/dev/null 2>&1 || die "no '$JAVA': install JDK 17 or later, or set JAVA_HOME"
    local version
    version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [ "${version%%.*}" -ge 17 ] 2>/dev/null || die "JDK 17 or later needed; $JAVA is version '${version}'"
}

# build_examples: builds core, the agent and the examples with the reactor (nothing installed), unless
# SKIP_BUILD=1; Maven's output is shown only when the build fails. Then checks that what is run exists.
build_examples() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to build the agent and the examples"
        say "Building loopwatch core, the agent and the examples (mvn -q package -DskipTests -pl examples -am)"
        local build_log
        build_log=$(mktemp "${TMPDIR:-/tmp}/loopwatch-examples-build.XXXXXX")
        if ! mvn --batch-mode -q -DskipTests package -pl examples -am >"$build_log" 2>&1; then
            cat "$build_log" >&2
            rm -f "$build_log"
            die "the build failed (Maven's output is above)"
        fi
        rm -f "$build_log"
    fi
    [ -f "$AGENT" ] || die "the agent jar is missing: $AGENT (run without SKIP_BUILD=1)"
    [ -f examples/target/classes/dev/loopwatch/examples/netty/DemoServer.class ] && [ -d examples/target/lib ] \
        || die "the examples are not built: run without SKIP_BUILD=1"
}

# SERVER_PID is the server started in the background; stop_server ends it (SIGTERM: a graceful shutdown,
# then SIGKILL after 5 s) and is also run on exit.
SERVER_PID=""
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# client <lines...>: the demo's client (DemoClient); what it prints is also appended to $CLIENT_LOG.
client() { "$JAVA" -cp "$CLASSPATH_DEMO" dev.loopwatch.examples.netty.DemoClient "$@" | tee -a "$CLIENT_LOG"; }

# fresh_output: empties $OUT (the script's output directory) and starts $CLIENT_LOG.
fresh_output() {
    rm -rf "$OUT"
    mkdir -p "$OUT"
    : > "$CLIENT_LOG"
}

# start_demo_server <name> <agent options> [JVM flags...]: the demo's DemoServer on a free port under the agent;
# sets SERVER_PID and URL. Its whole output goes to $OUT/<name>-server.log (SERVER_LOG); the terminal shows
# loopwatch's own lines (report headlines, task and culprit, notices), not the stacks.
SERVER_LOG=""
start_demo_server() {
    local name=$1 options=$2
    shift 2
    SERVER_LOG=$OUT/$name-server.log
    : > "$SERVER_LOG"   # exists before tee opens it, so the wait below can read it at once
    printf "    \$ %s %s-javaagent:%s=%s -cp '%s' dev.loopwatch.examples.netty.DemoServer 0\n\n" \
        "$JAVA" "${*:+$* }" "$AGENT" "$options" "$CLASSPATH_DEMO"
    "$JAVA" "$@" "-javaagent:$AGENT=$options" -cp "$CLASSPATH_DEMO" dev.loopwatch.examples.netty.DemoServer 0 \
        > >(tee "$SERVER_LOG" | grep --line-buffered -E '(WARN|INFO) loopwatch -|^    (task|culprit): |^loopwatch: ' \
            | sed -u 's/^/  server | /') 2>&1 &
    SERVER_PID=$!
    await_listening "$SERVER_LOG"
}

# await_listening <log>: waits up to 30 s (the server waits for the agent's instrumentation before it binds)
# for the server's "listening on http://..." line in <log>, and sets URL to it.
URL=""
await_listening() {
    local log=$1
    URL=""
    for _ in $(seq 300); do
        URL=$(sed -n 's|^listening on \(http://[0-9.]*:[0-9]*\)$|\1|p' "$log" | head -n 1)
        [ -n "$URL" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before it listened (its output: $log)"
        sleep 0.1
    done
    die "the server did not print 'listening on ...' within 30 s (see $log)"
}
