#!/usr/bin/env bash
# loopwatch acting on overruns: runs the demo's Netty 4.2 service under the agent twice.
#   1. action=abort: GET /spin?ms=60000 (a minute of CPU on the event loop) is stopped at the threshold and
#      answered with an error, while a second connection's GET /fast keeps being answered;
#   2. action=interrupt: GET /sleep?ms=60000 (Thread.sleep on the event loop) is interrupted at the threshold
#      and answers early.
# Prints what each request answered and after how long, then a summary of the measured times.
#
#   examples/actions.sh          (from anywhere; needs JDK 17+ and Maven; JAVA_HOME is honoured)
#   SKIP_BUILD=1 examples/actions.sh   reuse what an earlier run built
#
# Leaves its files in examples/target/actions/: <action>-server.log, <action>-report.jsonl, client.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."   # the repository root: every path below is relative to it

. examples/lib.sh
OUT=examples/target/actions
CLIENT_LOG=$OUT/client.log
THRESHOLD=50ms
# abort.include takes class-name prefixes: here the handler class, whose endpoints may run away. The rest of
# the service (DemoServer's channel set-up) stays as it is, so that a fresh connection that is slow to set up
# on a loaded machine is reported, not aborted.
ABORT_INCLUDE=dev.loopwatch.examples.netty.DemoHandler

# --- 1. prerequisites and build ---------------------------------------------------------------------
require_jdk
build_examples

fresh_output

# --- 2. the server, under the agent with one action -----------------------------------------------
# start_server <name> <agent options>: DemoServer under the agent, its JSON-lines reports in $OUT/<name>-report.jsonl.
start_server() { start_demo_server "$1" "$2,report=$OUT/$1-report.jsonl"; }

warm_up() { # the heading of the warm-up step, for action $1
    local fate="reported, and not interrupted: they do not wait, they compute"
    [ "$1" = abort ] && fate="aborted too (503), or, while the error path itself
    still loads, not answered at all (the client gives each request 2 s)"
    printf '%s' "# Warm-up: 30 x GET /fast. A fresh JVM's first requests load classes on the event loop and may run
    past $THRESHOLD for real: $fate. What follows runs warm."
}

# --- 3. action=abort ---------------------------------------------------------------------------------
say "action=abort: DemoServer under the agent; checks go into the classes named by abort.include"
start_server abort "threshold=$THRESHOLD,action=abort,abort.include=$ABORT_INCLUDE"
client --await "$URL" \
    "$(warm_up abort)" \
    "warmup:30:/fast" \
    "# GET /spin?ms=60000: a minute of pure CPU on the event loop. loopwatch sees it run past $THRESHOLD and the
    next check in DemoHandler's loop throws dev.loopwatch.TaskTimeoutException; the handler answers 503 with
    its message. Meanwhile, another connection sends GET /fast again and again: every one is answered." \
    "during:/spin?ms=60000:/fast" \
    "# The loops go on serving: GET /fast, and a 20 ms /spin (under the threshold: never aborted)." \
    /fast "/spin?ms=20" \
    "# Once more: GET /spin?ms=60000, with GET /fast meanwhile." \
    "during:/spin?ms=60000:/fast" \
    || die "a request failed (see above)"
stop_server

# --- 4. action=interrupt -----------------------------------------------------------------------------
say "action=interrupt: the same service, restarted; a loop thread that waits past $THRESHOLD is interrupted"
start_server interrupt "threshold=$THRESHOLD,action=interrupt"
client --await "$URL" \
    "$(warm_up interrupt)" \
    "warmup:30:/fast" \
    "# GET /sleep?ms=60000: Thread.sleep(60000) on the event loop. Past $THRESHOLD loopwatch interrupts the
    sleeping loop thread; the handler catches InterruptedException and answers at once." \
    "/sleep?ms=60000" \
    "# The loop goes on serving, with no interrupt left over: GET /fast, and a 20 ms /sleep that sleeps its 20 ms." \
    /fast "/sleep?ms=20" \
    || die "a request failed (see above)"
stop_server

# --- 5. summary ----------------------------------------------------------------------------------------
spins=$(sed -n 's|.*GET /spin?ms=60000 -> \([0-9]*\) in \([0-9]*\) ms.*|\1 after \2 ms|p' "$CLIENT_LOG" | paste -sd, - | sed 's/,/, /g')
fasts=$(sed -n 's|.*meanwhile, on another connection: \([0-9]*\) x GET /fast -> \([0-9]*\) answered 200 (slowest \([0-9]*\) ms).*|\2 of \1 (slowest \3 ms)|p' "$CLIENT_LOG" | paste -sd, - | sed 's/,/, /g')
sleeps=$(sed -n 's|.*GET /sleep?ms=60000 -> \([0-9]*\) in \([0-9]*\) ms: \(.*\)|\1 after \2 ms (\3)|p' "$CLIENT_LOG")
say "Measured by the client (threshold $THRESHOLD; each time from sending the request to its answer):"
printf '    action=abort      GET /spin?ms=60000:  %s\n' "$spins"
printf '                      GET /fast meanwhile: %s answered 200\n' "$fasts"
printf '    action=interrupt  GET /sleep?ms=60000: %s\n' "$sleeps"

say "Done. Files: $OUT/abort-server.log, $OUT/interrupt-server.log, the JSON-lines reports beside them, $CLIENT_LOG"
