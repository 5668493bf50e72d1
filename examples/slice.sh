#!/usr/bin/env bash
# loopwatch's action=slice (experimental, JDK 21+; JDK 25 is the target): runs the demo's Netty 4.2 service with
# one event loop under the agent twice, and each time sends GET /spin?ms=300 (300 ms of pure CPU on that loop)
# while another connection on the same loop sends GET /fast one after another:
#   1. action=log: the loop serves nothing else while the spin runs; /fast waits for it;
#   2. action=slice (slice=5ms): the spin is suspended every 5 ms at a check loopwatch put in DemoHandler and
#      resumed on the same loop; /fast is served between its slices.
# Prints the /fast latency percentiles of each run.
#
#   examples/slice.sh            (from anywhere; needs Maven and JDK 21+, else the second run says slicing is off)
#   SKIP_BUILD=1 examples/slice.sh   reuse what an earlier run built
#
# Leaves its files in examples/target/slice/: <run>-server.log, client.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."   # the repository root: every path below is relative to it

. examples/lib.sh
OUT=examples/target/slice
CLIENT_LOG=$OUT/client.log
# The checks go into the handler class, whose /spin loop is the one to slice.
INCLUDE=dev.loopwatch.examples.netty.DemoHandler

require_jdk
build_examples

fresh_output

# The service with one event loop: the spin and /fast share it.
start_server() { start_demo_server "$1" "$2" -Ddemo.loops=1; }

run() { # <name> <agent options> <what>
    say "$3"
    start_server "$1" "$2"
    client --await "$URL" \
        "# Warm-up: 300 x GET /fast, and a few short spins, so that what follows runs compiled." \
        "warmup:300:/fast" "/spin?ms=20" "/spin?ms=20" "/spin?ms=20" \
        "# GET /spin?ms=300 three times; meanwhile GET /fast on another connection, on the same loop." \
        "latency:/spin?ms=300:/fast" "latency:/spin?ms=300:/fast" "latency:/spin?ms=300:/fast" \
        || die "a request failed (see above)"
    stop_server
}

run unsliced "threshold=1s,blocking=off,action=log" "action=log: the spin has the loop to itself for 300 ms"
run sliced "threshold=1s,blocking=off,action=slice,slice=5ms,abort.include=$INCLUDE" \
    "action=slice, slice=5ms: the spin is suspended every 5 ms and /fast is served in between"

latencies() { sed -n "s|.*GET /fast latency meanwhile: \(.*\)|\1|p" "$CLIENT_LOG" | sed -n "$1"; }
say "GET /fast while GET /spin?ms=300 ran on the same loop (from sending each request to its answer):"
printf '    action=log             %s\n' "$(latencies 1,3p | paste -sd'|' - | sed 's/|/\n                           /g')"
printf '    action=slice, 5ms      %s\n' "$(latencies 4,6p | paste -sd'|' - | sed 's/|/\n                           /g')"
say "Done. Files: $OUT/unsliced-server.log, $OUT/sliced-server.log, $CLIENT_LOG"
