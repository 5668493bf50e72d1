#!/usr/bin/env bash
# Counts the JVMs whose JIT compiled Netty's header scan the slow way (benchmarks/README.md, "What the method can
# resolve"): each JVM is one sample, a sharper signal than a throughput ratio.
#
#   benchmarks/jit-state-count.sh [jvms] [JVM options ...]      e.g.  8 -javaagent:agent/target/loopwatch-agent.jar=log=off
#
# For each JVM: the Vert.x hello-world of vertx-throughput.sh (HelloThroughput 10 13 16), async-profiler attached
# for 10 s inside its measured window (CPU, 1 ms), then the samples of the busy loop thread that run through
# UnpooledDirectByteBuf._getByte, per 1 000 requests: about 0.02-0.06 when C2 inlined the scan, 0.27-0.53 when it
# left it a chain of calls (slow). Prints one line per JVM and the count. JDK 25 (Netty 4.2 reads direct buffers
# through ByteBuffer there; on JDK 17 it uses Unsafe and the path looks different). JAVA_HOME picks the JDK;
# SKIP_BUILD skips the build; async-profiler is fetched by benchmarks/profile/async-profiler.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
JVMS=${1:-8}
shift $(($# > 0 ? 1 : 0))
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
OUT=benchmarks/target/profile
mkdir -p "$OUT"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -o package -pl core,agent,it-fixtures/vertx-5 -am -DskipTests
fi
LIB=$(benchmarks/profile/async-profiler.sh "$JAVA")
CP="it-fixtures/vertx-5/target/classes:it-fixtures/vertx-5/target/libs/*"
slow=0
for i in $(seq 1 "$JVMS"); do
  LOG=$OUT/jit-state-$i.out
  STACKS=$(pwd)/$OUT/jit-state-$i.collapsed
  "$JAVA" -Xms256m -Xmx256m -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints "$@" -cp "$CP" \
    dev.loopwatch.fixtures.vertx.HelloThroughput 10 13 16 >"$LOG" 2>&1 &
  pid=$!
  until grep -q '^MEASURING' "$LOG"; do
    kill -0 $pid 2>/dev/null || { echo "jit-state-count: the fixture exited early:" >&2; cat "$LOG" >&2; exit 1; }
    sleep 0.3
  done
  "$JAVA" benchmarks/profile/AttachProfiler.java $pid "$LIB" "start,event=cpu,interval=1ms,threads" >/dev/null
  sleep 10
  "$JAVA" benchmarks/profile/AttachProfiler.java $pid "$LIB" "stop,file=$STACKS,collapsed" >/dev/null
  wait $pid
  rps=$(sed -n 's/^RPS=//p' "$LOG")
  # Collapsed lines: "[thread tid=n];frame;...;frame count". The busy loop is the event-loop thread with most samples.
  line=$(awk -v rps="$rps" '
    { n = $NF; split($0, f, ";"); t = f[1]; if (t !~ /eventloop/) next
      total[t] += n; if (index($0, "UnpooledDirectByteBuf._getByte")) scan[t] += n }
    END { for (t in total) if (total[t] > best) { best = total[t]; loop = t }
          per = scan[loop] / (rps * 10 / 1000)
          printf "%.3f %s", per, (per > 0.15 ? "slow" : "fast") }' "$STACKS")
  [[ $line == *slow ]] && slow=$((slow + 1))
  echo "JVM $i: $rps req/s, header scan ${line% *} samples per 1000 requests: ${line#* }"
done
echo "SLOW=$slow of $JVMS"
