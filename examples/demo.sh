#!/usr/bin/env bash
# loopwatch demo: runs a small Netty 4.2 HTTP service under the loopwatch agent, stalls its event loop
# twice (CPU spin, then Thread.sleep) and shows the reports as they happen, then the JSON-lines file.
#
#   examples/demo.sh          (from anywhere; needs JDK 17+ and Maven; JAVA_HOME is honoured)
#   SKIP_BUILD=1 examples/demo.sh   reuse what an earlier run built
#
# Leaves its files in examples/target/demo/: loopwatch-report.jsonl and server.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."   # the repository root: every path below is relative to it

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
AGENT=agent/target/loopwatch-agent.jar
CLASSPATH_DEMO="examples/target/classes:examples/target/lib/*"
OUT=examples/target/demo
REPORT=$OUT/loopwatch-report.jsonl
SERVER_LOG=$OUT/server.log
THRESHOLD=50ms

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\ndemo.sh: %s\n' "$*" >&2; exit 1; }
client() { "$JAVA" -cp "$CLASSPATH_DEMO" dev.loopwatch.examples.netty.DemoClient "$@"; }

# --- 0. prerequisites -------------------------------------------------------------------------------
command -v "$JAVA" >/dev/null 2>&1 || die "no '$JAVA': install JDK 17 or later, or set JAVA_HOME"
java_version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_version%%.*}" -ge 17 ] 2>/dev/null || die "JDK 17 or later needed; $JAVA is version '${java_version}'"

# --- 1. build -----------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to build the agent and the demo"
    say "Building loopwatch core, the agent and the examples (mvn -q install -DskipTests -pl examples -am)"
    build_log=$(mktemp "${TMPDIR:-/tmp}/loopwatch-demo-build.XXXXXX")
    if ! mvn --batch-mode -q -DskipTests install -pl examples -am >"$build_log" 2>&1; then
        cat "$build_log" >&2
        rm -f "$build_log"
        die "the build failed (Maven's output is above)"
    fi
    rm -f "$build_log"
fi
[ -f "$AGENT" ] || die "the agent jar is missing: $AGENT (build it with: mvn -q install -DskipTests)"
[ -f examples/target/classes/dev/loopwatch/examples/netty/DemoServer.class ] && [ -d examples/target/lib ] \
    || die "the examples are not built: run without SKIP_BUILD=1"

rm -rf "$OUT"
mkdir -p "$OUT"
: > "$SERVER_LOG"   # exists before tee opens it, so the wait below can read it at once

# --- 2. start the server under the agent ----------------------------------------------------------
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

say "Starting DemoServer under the agent, on a free port. Its output (the agent's reports included) is shown as is:"
server_cmd=("$JAVA" "-javaagent:$AGENT=threshold=$THRESHOLD,report=$REPORT" -cp "$CLASSPATH_DEMO"
            dev.loopwatch.examples.netty.DemoServer 0)
printf "    \$ %s -javaagent:%s=threshold=%s,report=%s -cp '%s' dev.loopwatch.examples.netty.DemoServer 0\n\n" \
    "$JAVA" "$AGENT" "$THRESHOLD" "$REPORT" "$CLASSPATH_DEMO"
"${server_cmd[@]}" > >(tee "$SERVER_LOG") 2>&1 &   # on the terminal as it happens, and in server.log
SERVER_PID=$!

url=""
for _ in $(seq 300); do   # up to 30 s: the server waits for the agent's instrumentation before it binds
    url=$(sed -n 's|^listening on \(http://[0-9.]*:[0-9]*\)$|\1|p' "$SERVER_LOG" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before it listened (its output is above)"
    sleep 0.1
done
[ -n "$url" ] || die "the server did not print 'listening on ...' within 30 s"

# --- 3. requests --------------------------------------------------------------------------------------
# One client JVM sends every request (through kept-alive connections, so only the first pays for the
# client's own start-up); '# ...' arguments are the headings it prints between the steps.
client --await "$url" \
    "# Warm-up: GET /fast once. The first request of a fresh JVM loads classes (HTTP codec, buffer allocator,
    JFR) on the event loop and may itself run past $THRESHOLD: if so, what you see is a genuine report." \
    /fast \
    "# GET /fast three times: quick handlers, nothing to report." \
    /fast /fast /fast \
    "# GET /spin?ms=300: 300 ms of pure CPU on the event loop, no blocking call at all.
    Expect a WARN 'stalled' after ~$THRESHOLD, while it still runs, with culprit DemoHandler.spinOnEventLoop,
    then an INFO 'resumed after ~300 ms' when it ends." \
    "/spin?ms=300" \
    "# GET /sleep?ms=250: the classic mistake, Thread.sleep on the event loop.
    Expect the same pair of reports, with culprit DemoHandler.sleepOnEventLoop." \
    "/sleep?ms=250" \
    "# A burst of 50 x GET /fast at once: the loops are busy, but no task runs long: nothing to report." \
    "burst:50:/fast" \
    || die "a request failed (see above)"

# --- 4. stop, and show the report file ------------------------------------------------------------
say "Stopping the server (SIGTERM: a graceful Netty shutdown)"
stop_server

say "The JSON-lines report file $REPORT, one report per line (here as a table):"
if [ -s "$REPORT" ]; then
    "$JAVA" -cp "$CLASSPATH_DEMO" dev.loopwatch.examples.netty.ReportTable "$REPORT"
    line=$(grep -m 1 '"type":"stall",.*spinOnEventLoop' "$REPORT" || head -n 1 "$REPORT")
    [ "${#line}" -le 400 ] || line="${line:0:400}..."
    printf '\n  The /spin stall as written in the file (cut at 400 characters):\n  %s\n' "$line"
else
    die "no report was written to $REPORT: the agent did not see the stalls"
fi

say "Done. Files: $REPORT and $SERVER_LOG"
