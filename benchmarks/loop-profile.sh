#!/usr/bin/env bash
# Where the event loop's time goes under the agent, with a resolution the throughput ratio cannot give.
#
#   benchmarks/loop-profile.sh [seconds] [connections]
#
# Runs the Vert.x hello-world of vertx-throughput.sh (HelloThroughput: server and client on one event loop)
# under the agent, waits for its steady state, then samples every thread with async-profiler (CPU time,
# 1 ms, inlined frames kept) for `seconds` (default 12), and prints:
#   - the share of the event loop's samples that have loopwatch code on the stack (advice calls inlined into
#     Netty, Vert.x and the JDK, the bridge they call): what the agent costs the loop directly;
#   - the CPU of loopwatch's own threads (watchdog, blocking-call drain, reporter), in % of one core;
#   - the loopwatch frames seen on the loop, with their callers.
# A throughput ratio between JVMs resolves about ±1.5 % here (the JIT makes each JVM ±3 % different); this
# counts the agent's own code in one JVM. What it cannot see is an indirect cost (code the JIT compiles
# differently because of the advice, cache lines the watchdog reads); benchmarks/README.md says how those
# were checked.
#
# async-profiler comes from Maven Central via benchmarks/profile/async-profiler.sh (tools.profiler:async-profiler, the jar that carries the native
# library), fetched once into benchmarks/target/profile. Linux x64 only. JAVA_HOME picks the JDK; VERTX=vertx-4
# runs the Vert.x 4.5 fixture; AGENT_ARGS (default log=off) the agent's options. The heap is fixed, as in
# vertx-throughput.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PROFILED=${1:-12}
CONNECTIONS=${2:-16}
MODULE=${VERTX:-vertx-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
OUT=benchmarks/target/profile
mkdir -p "$OUT"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -o package -pl core,agent,it-fixtures/$MODULE -am -DskipTests
fi
LIB=$(benchmarks/profile/async-profiler.sh "$JAVA")
CP="it-fixtures/$MODULE/target/classes:it-fixtures/$MODULE/target/libs/*"
STACKS=$(pwd)/$OUT/loop.collapsed
LOG=$OUT/hello.out
rm -f "$STACKS"
# The fixture measures a little longer than we profile, so that the profile ends inside its window.
"$JAVA" -Xms256m -Xmx256m -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  "-javaagent:agent/target/loopwatch-agent.jar=${AGENT_ARGS:-log=off}" -cp "$CP" \
  dev.loopwatch.fixtures.vertx.HelloThroughput "${WARMUP:-10}" $((SECONDS_PROFILED + 3)) "$CONNECTIONS" >"$LOG" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until grep -q '^MEASURING' "$LOG"; do
  kill -0 $pid 2>/dev/null || { echo "loop-profile: the fixture exited before its measured window:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
"$JAVA" benchmarks/profile/AttachProfiler.java $pid "$LIB" "start,event=cpu,interval=1ms,threads"
sleep "$SECONDS_PROFILED"
"$JAVA" benchmarks/profile/AttachProfiler.java $pid "$LIB" "stop,file=$STACKS,collapsed"
wait $pid
trap - EXIT
grep -E '^(RPS|WARMUP)=' "$LOG"
# One collapsed line per distinct stack: "[thread tid=n];frame;frame... count".
awk -v secs="$SECONDS_PROFILED" '
  function ours(f) { return f ~ /^dev\/loopwatch\/(bridge|core|agent)\// }
  {
    count = $NF; stack = substr($0, 1, length($0) - length(count) - 1)
    n = split(stack, f, ";"); thread = f[1]; sub(/ tid=.*/, "", thread); sub(/^\[/, "", thread)
    if (thread ~ /^loopwatch-/) { own[thread] += count; next }
    if (thread !~ /eventloop/) next
    loop += count
    for (i = n; i > 1; i--) if (ours(f[i])) { hit += count; frame[f[i - 1] " -> " f[i]] += count; break }
  }
  END {
    if (loop == 0) { print "loop-profile: no event-loop samples" > "/dev/stderr"; exit 1 }
    printf "event-loop samples: %d, with loopwatch code on the stack: %d = %.2f %%\n", loop, hit, 100 * hit / loop
    for (t in own) printf "%-22s %5d samples = %.2f %% of one core\n", t, own[t], own[t] / (secs * 10)
    print "loopwatch frames on the loop (deepest, with its caller):"
    for (k in frame) printf "%7d  %s\n", frame[k], k | "sort -rn | head -12"
  }' "$STACKS"
