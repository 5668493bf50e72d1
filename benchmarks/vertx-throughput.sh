#!/usr/bin/env bash
# Vert.x hello-world HTTP throughput with and without loopwatch, interleaved on the same machine.
#
#   benchmarks/vertx-throughput.sh [rounds] [seconds] [connections]
#
# Builds the agent and the Vert.x 5 fixture (reactor build, never installed), then runs `rounds` rounds; each
# round runs HelloThroughput (server + in-process Vert.x client, one JVM) once without the agent and once with
# -javaagent (the order alternates per round), `seconds` measured after the warm-up: at least WARMUP seconds
# (default 10), then until the JIT has settled (under 20 ms of compilation in 2 s). A fixed 5 s warm-up
# measured the agent's longer warm-up (it retransforms classes at start-up, which are compiled again).
# Prints every run, the per-round ratios and the median ratio (with agent / without).
#
# Environment:
#   AGENT_ARGS  the agent's options (default log=off)
#   ALSO        more agent configurations to run in the same rounds, space-separated option lists added to
#               AGENT_ARGS, e.g. ALSO="tick=10ms blocking=off": each gets its own column and median ratio
#   HEAP        heap options for every JVM (default -Xms256m -Xmx256m: a fixed heap; see benchmarks/README.md
#               for what the agent's class loading does to an ergonomically sized heap)
#   PRIO        a command prefix for every JVM (default none; "chrt -r 10" ran every thread real-time
#               round-robin in the series before 2026-11-26, which made the watchdog wait behind the JIT)
#   VERTX       vertx-5 (default) or vertx-4;  WARMUP  minimum warm-up seconds;  SKIP_BUILD  skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-6}
SECONDS_MEASURED=${2:-10}
CONNECTIONS=${3:-16}
MODULE=${VERTX:-vertx-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PRIO=${PRIO-}
read -r -a HEAP_OPTS <<<"${HEAP--Xms256m -Xmx256m}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -o package -pl core,agent,it-fixtures/$MODULE -am -DskipTests
fi
AGENT=agent/target/loopwatch-agent.jar
CP="it-fixtures/$MODULE/target/classes:it-fixtures/$MODULE/target/libs/*"
WARMUP=${WARMUP:-10}
BASE_ARGS=${AGENT_ARGS:-log=off}
read -r -a EXTRA <<<"${ALSO:-}"
CONFIGS=("$BASE_ARGS")
for extra in "${EXTRA[@]}"; do CONFIGS+=("$BASE_ARGS,$extra"); done
run() { # $1 = agent options, or "" for no agent
  local args=()
  [[ -n $1 ]] && args+=("-javaagent:$AGENT=$1")
  $PRIO "$JAVA" "${HEAP_OPTS[@]}" "${args[@]}" -cp "$CP" dev.loopwatch.fixtures.vertx.HelloThroughput "$WARMUP" "$SECONDS_MEASURED" "$CONNECTIONS" \
    | sed -n 's/^RPS=//p'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
header='| round | without agent (req/s) |'; rule='|---|---|'
for c in "${CONFIGS[@]}"; do header+=" $c (req/s) | ratio |"; rule+='---|---|'; done
echo "$header"; echo "$rule"
declare -A ratios
for ((i = 1; i <= ROUNDS; i++)); do
  declare -A rps=()
  # Odd rounds run the agent-less JVM first, even rounds last.
  ((i % 2)) && rps[off]=$(run "")
  for c in "${CONFIGS[@]}"; do rps[$c]=$(run "$c"); done
  ((i % 2)) || rps[off]=$(run "")
  row="| $i | ${rps[off]} |"
  for k in "${!CONFIGS[@]}"; do
    c=${CONFIGS[$k]}
    r=$(awk -v a="${rps[$c]}" -v b="${rps[off]}" 'BEGIN { printf "%.4f", a / b }')
    ratios[$k]+="$r "
    row+=" ${rps[$c]} | $r |"
  done
  echo "$row"
done
echo
for k in "${!CONFIGS[@]}"; do
  echo "median ratio (${CONFIGS[$k]} / without): $(tr ' ' '\n' <<<"${ratios[$k]}" | grep . | median)"
done
