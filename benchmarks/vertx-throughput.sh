#!/usr/bin/env bash
# Vert.x hello-world HTTP throughput with and without loopwatch, interleaved on the same machine.
#
#   benchmarks/vertx-throughput.sh [pairs] [seconds] [connections]
#
# Builds the agent and the Vert.x 5 fixture (reactor build, never installed), then runs `pairs` rounds; each
# round runs HelloThroughput (server + in-process Vert.x client, one JVM) once without and once with
# -javaagent (order alternating per round), `seconds` measured after the warm-up: at least WARMUP seconds
# (default 10), then until the JIT has settled (under 20 ms of compilation in 2 s). A fixed 5 s warm-up
# measured the agent's longer warm-up (it retransforms classes at start-up, which are compiled again).
# Prints every run, the per-round ratios and the median ratio (with agent / without). Set VERTX=vertx-4 for Vert.x 4.5,
# AGENT_ARGS=log=off,tick=5ms to try other agent options (default log=off). PRIO (default "chrt -r 10",
# real-time round-robin as in run-all.sh, so that other work on a shared machine does not decide the
# ratio; PRIO= runs at normal priority). The JVM's own threads, the agent's included, inherit it.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-6}
SECONDS_MEASURED=${2:-10}
CONNECTIONS=${3:-16}
MODULE=${VERTX:-vertx-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PRIO=${PRIO-chrt -r 10}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -o package -pl core,agent,it-fixtures/$MODULE -am -DskipTests
fi
AGENT=agent/target/loopwatch-agent.jar
CP="it-fixtures/$MODULE/target/classes:it-fixtures/$MODULE/target/libs/*"
run() { # $1 = "on" or "off"
  local args=()
  [[ $1 == on ]] && args+=("-javaagent:$AGENT=${AGENT_ARGS:-log=off}")
  $PRIO "$JAVA" -Xmx256m "${args[@]}" -cp "$CP" dev.loopwatch.fixtures.vertx.HelloThroughput "$WARMUP" "$SECONDS_MEASURED" "$CONNECTIONS" \
    | sed -n 's/^RPS=//p'
}
WARMUP=${WARMUP:-10}
ratios=()
printf '| round | without agent (req/s) | with agent (req/s) | ratio |\n|---|---|---|---|\n'
for ((i = 1; i <= PAIRS; i++)); do
  if ((i % 2)); then off=$(run off); on=$(run on); else on=$(run on); off=$(run off); fi
  r=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.4f", a / b }')
  ratios+=("$r")
  printf '| %d | %s | %s | %s |\n' "$i" "$off" "$on" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo
echo "median ratio (with / without): $median"
