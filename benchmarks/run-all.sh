#!/usr/bin/env bash
# Runs every measurement in README.md on one JDK and collects the tables in target/results-<jdk>.md.
#   benchmarks/run-all.sh [path/to/java]        (default: java on the PATH)
# Environment (never LOOPWATCH_*: loopwatch reads those as options): AGENT_JAR (default ../agent/target/loopwatch-agent.jar), BENCH_JAR (default
# target/benchmarks.jar), PRIO (default "chrt -r 10": real-time round-robin, so that other work on a
# shared machine does not decide the numbers; PRIO= runs at normal priority), DETECTION_PRIO for item 2
# (default: normal priority; under SCHED_RR a waking watchdog cannot preempt the JVM's own compiler threads,
# which hold a CPU for up to a 100 ms round-robin slice in the first seconds: that measures the scheduler).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java=${1:-java}
jar=${BENCH_JAR:-$here/target/benchmarks.jar}
agent=${AGENT_JAR:-$here/../agent/target/loopwatch-agent.jar}
prio=${PRIO-chrt -r 10}
detection_prio=${DETECTION_PRIO-}
version=$("$java" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
out=$here/target/results-jdk$version.md
run() {
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  # The full output (JMH progress, per-round lines) goes to a log; the tables and failures to $out.
  local p=$prio
  [[ $main == *DetectionLatencyMain ]] && p=$detection_prio
  $p "$java" -Dbenchmarks.agent="$agent" -cp "$jar" "$@" 2>&1 | tee "$here/target/log-jdk$version-${main##*.}.txt" \
    | grep -E '^(\||JDK |FAILED|Exception)' | tee -a "$out" || echo "(exit status $?)" | tee -a "$out"
}
: > "$out"
echo "## JDK $version, agent $(sha256sum "$agent" | cut -c1-12), $(date -u +%FT%TZ), prio '${prio}', detection '${detection_prio}'" | tee -a "$out"
echo "### 1. runTask cost" >> "$out";        main=dev.loopwatch.benchmarks.TaskCostMain;        run "$main"
echo "### 2. detection latency" >> "$out";   main=dev.loopwatch.benchmarks.DetectionLatencyMain; run "$main"
echo "### 3. idle CPU" >> "$out";            main=dev.loopwatch.benchmarks.IdleCpuMain;         run "$main"
echo "### 4. start-up" >> "$out";            main=dev.loopwatch.benchmarks.StartupMain;         run "$main"
