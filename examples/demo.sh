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

. examples/lib.sh
OUT=examples/target/demo
REPORT=$OUT/loopwatch-report.jsonl
SERVER_LOG=$OUT/server.log
THRESHOLD=50ms

client() { "$JAVA" -cp "$CLASSPATH_DEMO" dev.loopwatch.examples.netty.DemoClient "$@"; }

# --- 1. prerequisites and build ---------------------------------------------------------------------
require_jdk
build_examples

rm -rf "$OUT"
mkdir -p "$OUT"
: > "$SERVER_LOG"   # exists before tee opens it, so the wait below can read it at once

# --- 2. start the server under the agent ----------------------------------------------------------
say "Starting DemoServer under the agent, on a free port. Its output (the agent's reports included) is shown as is:"
server_cmd=("$JAVA" "-javaagent:$AGENT=threshold=$THRESHOLD,report=$REPORT" -cp "$CLASSPATH_DEMO"
            dev.loopwatch.examples.netty.DemoServer 0)
printf "    \$ %s -javaagent:%s=threshold=%s,report=%s -cp '%s' dev.loopwatch.examples.netty.DemoServer 0\n\n" \
    "$JAVA" "$AGENT" "$THRESHOLD" "$REPORT" "$CLASSPATH_DEMO"
"${server_cmd[@]}" > >(tee "$SERVER_LOG") 2>&1 &   # on the terminal as it happens, and in server.log
SERVER_PID=$!

await_listening "$SERVER_LOG"
url=$URL

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
    "# GET /metrics: the same stalls and blocking calls as Micrometer meters (the demo has Micrometer with a
    Prometheus registry; loopwatch found it and registered its meters there), as Prometheus scrapes them." \
    /metrics \
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
