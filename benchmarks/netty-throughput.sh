#!/usr/bin/env bash
# A Netty-based HTTP service's throughput with and without loopwatch, from a fresh start, measured with wrk.
#
#   benchmarks/netty-throughput.sh                                   # 8 pairs unpinned, then 8 pinned
#   SERVICE=quarkus benchmarks/netty-throughput.sh                   # the Quarkus hello-world endpoint
#   SERVICE=micronaut benchmarks/netty-throughput.sh                 # the Micronaut one
#   ROUNDS=1 WARMUP=2 MEASURE=3 benchmarks/netty-throughput.sh       # a smoke run (under a minute)
#   WARMUP=20 benchmarks/netty-throughput.sh                         # the steady-state figure
#
# What: what the agent costs a freshly started plain Netty service under load from the moment its port
# opens: requests per second, and the service's CPU time per request, with -javaagent and without.
# The service (SERVICE) is, in a fresh JVM per run with a fixed heap (-Xms256m -Xmx256m):
#   netty      NettyHelloService in benchmarks.jar (Netty 4.2 NIO, HttpServerCodec + HttpObjectAggregator,
#              "hello" on the loop, keep-alive, SLF4J logging), GET /
#   quarkus    the it-fixtures Quarkus 3.33 REST service (quarkus-rest on Vert.x 4.5, Netty 4.1), run as Quarkus
#              apps run (java -jar quarkus-app/quarkus-run.jar), GET /fast: a resource method on the event loop
#   micronaut  the it-fixtures Micronaut 4.10 service (http-server-netty, Netty 4.2), GET /fast: a controller
#              method on the event loop
#   (the fixtures are built by the reactor: mvn -q package -DskipTests)
# How, per round: start the service (one JVM without the agent, one with it; which goes first flips every
# round, ABBA, so drift falls on both sides), poll its port every 10 ms, and the moment it accepts a
# connection run `wrk -t2 -c50 -d<WARMUP>s` (the warm-up: not counted, it is the fresh start's load), then at
# once `wrk -t2 -c50 -d<MEASURE>s`, whose Requests/sec is the run's figure. The service's CPU time (utime +
# stime of all its threads, /proc/<pid>/stat) is read before and after the measured window. Then the JVM is
# stopped and waited for. A "with" run must have the agent's watchdog thread and no "loopwatch is off" line,
# a "without" run no watchdog thread; otherwise the script stops.
# Settings: unpinned (the scheduler places the service and wrk), and pinned: the service on CPU 0
# (taskset -c 0), wrk on CPU 1 (taskset -c 1). A pinned JVM sizes itself to its one CPU: Serial GC instead of
# G1, 2 worker loops instead of 2 x nproc (JAVA_OPTS=-XX:+UseG1GC to keep G1).
# Prints (markdown): a header saying where the numbers come from, one row per round (req/s without and with,
# the paired ratio with/without, CPU µs per request both sides), and per setting the median req/s without
# (min–max, interquartile range), the median with, the median of the paired ratios, the ratio of the medians
# and the median CPU µs per request. Quartiles interpolate linearly between order statistics.
#
# Environment:
#   SERVICE      netty (default), quarkus or micronaut
#   ROUNDS       pairs per setting (default 8)
#   WARMUP       seconds of load from the moment the port opens, not counted (default 5; 20 for steady state)
#   MEASURE      seconds measured right after the warm-up (default 10)
#   MODE         both (default: unpinned, then pinned), unpinned or pinned
#   PIN          0 (unpinned) or 1 (pinned): run only that setting; overrides MODE
#   AGENT_ARGS   the agent's options in the "with" runs (default threshold=50ms)
#   AGENT_JAR    the agent (default agent/target/loopwatch-agent.jar)
#   JAVA_HOME    the JDK that runs the service (default: java on the PATH)
#   JAVA_OPTS    more JVM options for the service, both sides
#   PORT         the service's port on 127.0.0.1 (default 18431; the script stops if something listens there)
#   THREADS, CONNECTIONS   wrk's -t and -c (default 2 and 50)
# Logs of each run: benchmarks/target/throughput/<service>/<setting>-r<round>-<without|with>.log (the service's
# output), .warmup.txt and .wrk.txt (wrk's), .threads.txt (the measured window's CPU by thread, per request). No
# LOOPWATCH_* variable here: the agent reads those as its own options.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICE=${SERVICE:-netty}
ROUNDS=${ROUNDS:-8}
WARMUP=${WARMUP:-5}
MEASURE=${MEASURE:-10}
MODE=${MODE:-both}
AGENT_ARGS=${AGENT_ARGS:-threshold=50ms}
AGENT_JAR=${AGENT_JAR:-agent/target/loopwatch-agent.jar}
PORT=${PORT:-18431}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=benchmarks/target/benchmarks.jar
LOGS=benchmarks/target/throughput/$SERVICE
read -r -a EXTRA_OPTS <<<"${JAVA_OPTS:-}"

die() { echo "netty-throughput: $*" >&2; exit 1; }
for v in ROUNDS WARMUP MEASURE PORT THREADS CONNECTIONS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, not '${!v}'"
done
command -v wrk >/dev/null || die "needs wrk: apt-get install -y wrk"
# The service's command after the JVM options, the path wrk asks for, and the line it prints once it listens.
case $SERVICE in
  netty)
    [[ -f $JAR ]] || die "no $JAR; run: mvn -q package -DskipTests"
    SERVICE_CMD=(-cp "$JAR" dev.loopwatch.benchmarks.NettyHelloService "$PORT"); URL_PATH=/; LISTENING='listening on 127.0.0.1' ;;
  quarkus)
    QUARKUS_JAR=it-fixtures/quarkus/target/quarkus-app/quarkus-run.jar
    [[ -f $QUARKUS_JAR ]] || die "no $QUARKUS_JAR; run: mvn -q package -DskipTests"
    SERVICE_CMD=("-Dquarkus.http.port=$PORT" -jar "$QUARKUS_JAR"); URL_PATH=/fast; LISTENING='PORT=' ;;
  micronaut)
    MICRONAUT=it-fixtures/micronaut/target
    [[ -d $MICRONAUT/libs ]] || die "no $MICRONAUT/libs; run: mvn -q package -DskipTests"
    SERVICE_CMD=(-cp "$MICRONAUT/classes:$MICRONAUT/libs/*" dev.loopwatch.fixtures.micronaut.MicronautFixture "$PORT")
    URL_PATH=/fast; LISTENING='PORT=' ;;
  *) die "SERVICE must be netty, quarkus or micronaut, not '$SERVICE'" ;;
esac
[[ -f $AGENT_JAR ]] || die "no $AGENT_JAR; run: mvn -q package -DskipTests (or set AGENT_JAR)"
JAVA_VERSION=$("$JAVA" -version 2>&1) || die "cannot run $JAVA -version"
if [[ -n ${PIN:-} ]]; then
  case $PIN in 0) SETTINGS=(unpinned) ;; 1) SETTINGS=(pinned) ;; *) die "PIN must be 0 or 1, not '$PIN'" ;; esac
else
  case $MODE in
    both) SETTINGS=(unpinned pinned) ;;
    unpinned | pinned) SETTINGS=("$MODE") ;;
    *) die "MODE must be both, unpinned or pinned, not '$MODE'" ;;
  esac
fi
if [[ " ${SETTINGS[*]} " == *" pinned "* ]]; then
  command -v taskset >/dev/null || die "the pinned setting needs taskset (util-linux)"
  taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null || die "the pinned setting needs CPUs 0 and 1"
fi
TICKS=$(getconf CLK_TCK)
mkdir -p "$LOGS"
rm -f "$LOGS"/unpinned-r* "$LOGS"/pinned-r*
ROWS="$LOGS/rounds.txt"
: >"$ROWS"

port_open() { : 2>/dev/null <>"/dev/tcp/127.0.0.1/$PORT"; }
proc_field() { # $1 pid, $2 field number of /proc/<pid>/stat (from 3: after the command name)
  local stat rest f
  stat=$(<"/proc/$1/stat") || return 1
  rest=${stat##*) }
  read -r -a f <<<"$rest"
  echo "${f[$2 - 3]}"
}
cpu_ticks() { echo $(($(proc_field "$1" 14) + $(proc_field "$1" 15))); } # utime + stime, all threads
# utime + stime per thread, summed by thread name without its trailing numbers ("C2 CompilerThre", "nioEventLoopGroup-").
thread_ticks() {
  local t name stat rest f
  for t in /proc/"$1"/task/*; do
    name=$(<"$t/comm") 2>/dev/null && stat=$(<"$t/stat") 2>/dev/null || continue
    rest=${stat##*) }
    read -r -a f <<<"$rest"
    printf '%s\t%d\n' "$name" $((f[11] + f[12]))
  done | awk -F'\t' '{ n = $1; sub(/[0-9-]+$/, "", n); sum[n] += $2 } END { for (n in sum) printf "%s\t%d\n", n, sum[n] }' \
    | sort -t $'\t' -k1,1
}
has_watchdog() { grep -qs '^loopwatch-watch' /proc/"$1"/task/*/comm; } # "loopwatch-watchdog", cut to 15

SERVICE_PID=
stop_service() {
  local pid=$SERVICE_PID i
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do # up to 20 s for the JVM to exit
    [[ -e /proc/$pid && $(proc_field "$pid" 3 2>/dev/null) != Z ]] || break
    sleep 0.1
  done
  if ((i == 200)); then
    echo "netty-throughput: the service (pid $pid) ignored SIGTERM for 20 s; killing it" >&2
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  SERVICE_PID=
}
trap stop_service EXIT
trap 'exit 130' INT TERM

# One run: a fresh service, the warm-up, the measured window. Sets RPS and US_PER_REQUEST.
run_side() { # $1 setting, $2 round, $3 without|with
  local setting=$1 side=$3 log="$LOGS/$1-r$2-$3"
  local cmd=() wrk_cmd=() before after requests stalls
  [[ $setting == pinned ]] && cmd=(taskset -c 0) && wrk_cmd=(taskset -c 1)
  cmd+=("$JAVA" -Xms256m -Xmx256m ${EXTRA_OPTS[@]+"${EXTRA_OPTS[@]}"})
  [[ $side == with ]] && cmd+=("-javaagent:$AGENT_JAR=$AGENT_ARGS")
  cmd+=("${SERVICE_CMD[@]}")
  wrk_cmd+=(wrk "-t$THREADS" "-c$CONNECTIONS")
  ! port_open || die "something already listens on 127.0.0.1:$PORT; set PORT to a free port"

  echo "${cmd[*]}" >"$log.log"
  "${cmd[@]}" >>"$log.log" 2>&1 &
  SERVICE_PID=$!
  until port_open; do
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited before it listened; see $log.log"
    sleep 0.01
  done
  "${wrk_cmd[@]}" "-d${WARMUP}s" "http://127.0.0.1:$PORT$URL_PATH" >"$log.warmup.txt" 2>&1 \
    || die "wrk failed in the warm-up; see $log.warmup.txt and $log.log"
  before=$(cpu_ticks "$SERVICE_PID")
  thread_ticks "$SERVICE_PID" >"$log.threads-before.txt"
  "${wrk_cmd[@]}" "-d${MEASURE}s" "http://127.0.0.1:$PORT$URL_PATH" >"$log.wrk.txt" 2>&1 \
    || die "wrk failed; see $log.wrk.txt and $log.log"
  after=$(cpu_ticks "$SERVICE_PID") && [[ $(proc_field "$SERVICE_PID" 3) != Z ]] \
    || die "the service died during the run; see $log.log"
  thread_ticks "$SERVICE_PID" >"$log.threads-after.txt"

  ! grep -q 'loopwatch is off\|loopwatch: could not start' "$log.log" || die "the agent switched itself off; see $log.log"
  if [[ $side == with ]]; then
    has_watchdog "$SERVICE_PID" || die "no loopwatch watchdog thread in the run with the agent; see $log.log"
  else
    ! has_watchdog "$SERVICE_PID" || die "loopwatch is loaded in the run without it (JAVA_TOOL_OPTIONS?); see $log.log"
  fi
  stop_service
  grep -q "$LISTENING" "$log.log" || die "the service never said it listened; see $log.log"
  grep -q 'Non-2xx' "$log.warmup.txt" "$log.wrk.txt" && die "the service answered errors; see $log.wrk.txt"
  stalls=$(grep -c ' stalled: ' "$log.log" || true)
  ((stalls == 0)) || echo "netty-throughput: note: stall reports by the agent: $stalls in $log.log (a busy machine?)" >&2
  grep -q 'Socket errors' "$log.wrk.txt" \
    && echo "netty-throughput: note: $(grep 'Socket errors' "$log.wrk.txt" | sed 's/^ *//') in $log.wrk.txt" >&2

  RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$log.wrk.txt")
  requests=$(awk '/ requests in / { print $1 }' "$log.wrk.txt")
  [[ -n $RPS && ${requests:-0} -gt 0 ]] \
    || die "no request answered in the measured window (service hung, or the machine far too busy); see $log.wrk.txt"
  US_PER_REQUEST=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  # Where the measured window's CPU went, by thread: a run still compiling (C1/C2 threads) shows here.
  join -t $'\t' "$log.threads-before.txt" "$log.threads-after.txt" \
    | awk -F'\t' -v hz="$TICKS" -v n="$requests" '$3 > $2 { printf "%8.2f µs/request  %s\n", ($3 - $2) / hz * 1e6 / n, $1 }' \
    | sort -rn >"$log.threads.txt"
  rm -f "$log.threads-before.txt" "$log.threads-after.txt"
}

# The header: where a pasted result came from.
COMMIT=$(git rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
[[ $COMMIT == unknown ]] || git diff --quiet HEAD 2>/dev/null || COMMIT+=" (with uncommitted changes)"
CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "### $SERVICE service throughput from a fresh start (SERVICE=$SERVICE benchmarks/netty-throughput.sh)"
echo
echo "- date: $(date '+%Y-%m-%d %H:%M %Z'); commit: $COMMIT"
echo "- JDK: $(grep -v '^Picked up' <<<"$JAVA_VERSION" | sed -n 1p) ($JAVA)"
echo "- CPU: ${CPU_MODEL:-unknown}, nproc $(nproc); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- agent: -javaagent:$AGENT_JAR=$AGENT_ARGS; heap -Xms256m -Xmx256m${JAVA_OPTS:+; JAVA_OPTS: $JAVA_OPTS}"
echo "- load: wrk -t$THREADS -c$CONNECTIONS, WARMUP=$WARMUP s from the moment the port opens (not counted), then MEASURE=$MEASURE s measured"
echo "- pairs per setting: $ROUNDS, order flipped every round (ABBA); settings: ${SETTINGS[*]}"
for v in $(compgen -e | grep '^LOOPWATCH_' || true); do
  echo "- note: $v=${!v} is set in the environment; the agent reads it as an option"
done
echo
echo "| setting | round | first | without (req/s) | with (req/s) | with/without | CPU µs/req without | CPU µs/req with |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"

declare -A RPS_OF US_OF
for setting in "${SETTINGS[@]}"; do
  for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=(without with); else order=(with without); fi
    for side in "${order[@]}"; do
      run_side "$setting" "$round" "$side"
      RPS_OF[$side]=$RPS
      US_OF[$side]=$US_PER_REQUEST
    done
    echo "$setting $round ${order[0]} ${RPS_OF[without]} ${RPS_OF[with]} ${US_OF[without]} ${US_OF[with]}" >>"$ROWS"
    awk -v s="$setting" -v r="$round" -v first="${order[0]}" -v a="${RPS_OF[without]}" -v b="${RPS_OF[with]}" \
      -v ua="${US_OF[without]}" -v ub="${US_OF[with]}" \
      'BEGIN { printf "| %s | %d | %s | %.0f | %.0f | %.4f | %.2f | %.2f |\n", s, r, first, a, b, b / a, ua, ub }'
  done
done

# Per setting: medians, the baseline's spread, the median paired ratio and the ratio of medians.
echo
echo "| setting | pairs | without: median req/s (min–max; IQR) | with: median req/s | median paired ratio (95 % CI; min–max) | ratio of medians | CPU µs/req without | CPU µs/req with |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for setting in "${SETTINGS[@]}"; do
  awk -v s="$setting" '
    function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
    function q(a, n, p,   h, lo) { h = 1 + (n - 1) * p; lo = int(h); return lo >= n ? a[n] : a[lo] + (h - lo) * (a[lo + 1] - a[lo]) }
    # The distribution-free 95 % interval of a median: order statistics k and n-k+1, k the largest with
    # P(Binomial(n, 1/2) < k) <= 0.025 (no interval below 6 pairs).
    function cik(n,   k, c, p, i) { c = 0; p = 0.5 ^ n; k = 0; for (i = 0; i < n; i++) { c += p; if (c > 0.025) break; k = i + 1; p = p * (n - i) / (i + 1) } return k }
    $1 == s { n++; wo[n] = $4; wi[n] = $5; ra[n] = $5 / $4; uo[n] = $6; ui[n] = $7 }
    END {
      if (!n) exit
      sort(wo, n); sort(wi, n); sort(ra, n); sort(uo, n); sort(ui, n)
      mo = q(wo, n, 0.5); mi = q(wi, n, 0.5)
      k = cik(n)
      ci = k >= 1 ? sprintf("%.4f–%.4f; ", ra[k], ra[n - k + 1]) : "n/a; "
      printf "| %s | %d | %.0f (%.0f–%.0f; %.0f–%.0f, %.1f %%) | %.0f | %.4f (%s%.4f–%.4f) | %.4f | %.2f | %.2f |\n", s, n,
        mo, wo[1], wo[n], q(wo, n, 0.25), q(wo, n, 0.75), 100 * (q(wo, n, 0.75) - q(wo, n, 0.25)) / mo,
        mi, q(ra, n, 0.5), ci, ra[1], ra[n], mi / mo, q(uo, n, 0.5), q(ui, n, 0.5)
    }' "$ROWS"
done
