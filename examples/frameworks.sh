#!/usr/bin/env bash
# loopwatch on the frameworks: runs one small service under the agent, calls its fast, sleeping and
# spinning endpoints, and shows what loopwatch reported.
#
#   examples/frameworks.sh vertx     Vert.x 5 web      (dev.loopwatch.examples.vertx.VertxDemo)
#   examples/frameworks.sh webflux   Spring WebFlux    (dev.loopwatch.examples.webflux.WebFluxDemo)
#   examples/frameworks.sh grpc      gRPC, grpc-netty  (dev.loopwatch.examples.grpc.GrpcDemo)
#   examples/frameworks.sh micronaut Micronaut 4       (the test fixture it-fixtures/micronaut, MicronautFixture)
#   examples/frameworks.sh quarkus   Quarkus REST      (the test fixture it-fixtures/quarkus, run as java -jar quarkus-run.jar)
#   SKIP_BUILD=1 examples/frameworks.sh vertx    reuse what an earlier run built
#
# Builds with the reactor (mvn package, nothing installed). Leaves examples/target/<framework>/report.jsonl
# and server.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FRAMEWORK=${1:-vertx}
. examples/lib.sh
CP=$CLASSPATH_DEMO
OUT=examples/target/$FRAMEWORK
case "$FRAMEWORK" in
  vertx) MAIN=dev.loopwatch.examples.vertx.VertxDemo; PORT=8081 ;;
  webflux) MAIN=dev.loopwatch.examples.webflux.WebFluxDemo; PORT=8082 ;;
  grpc) MAIN=dev.loopwatch.examples.grpc.GrpcDemo; PORT=8083 ;;
  # Micronaut's annotation processing is built by the it-fixtures module, not the examples: run its classes and libs.
  micronaut) MAIN=dev.loopwatch.fixtures.micronaut.MicronautFixture; PORT=8084
    CP="it-fixtures/micronaut/target/classes:it-fixtures/micronaut/target/libs/*" ;;
  # The tests' Quarkus service: Quarkus packages it as a jar of its own.
  quarkus) MAIN=it-fixtures/quarkus/target/quarkus-app/quarkus-run.jar; PORT=8085 ;;
  *) echo "usage: $0 vertx|webflux|grpc|micronaut|quarkus" >&2; exit 2 ;;
esac
require_jdk
build_examples
# Micronaut's and Quarkus's services are built by their it-fixtures modules (annotation processing, Quarkus's plugin).
if { [ "$FRAMEWORK" = micronaut ] || [ "$FRAMEWORK" = quarkus ]; } && [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "Building the $FRAMEWORK service (mvn -q package -DskipTests -pl it-fixtures/$FRAMEWORK -am)"
  mvn --batch-mode -q -DskipTests package -pl "it-fixtures/$FRAMEWORK" -am >/dev/null || die "the $FRAMEWORK build failed"
fi
mkdir -p "$OUT"; rm -f "$OUT/report.jsonl"
ARGS=(); [ "$FRAMEWORK" = grpc ] && ARGS=(server "$PORT") || ARGS=("$PORT")
echo "==> $MAIN under -javaagent:$AGENT=threshold=50ms"
if [ "$FRAMEWORK" = quarkus ]; then
  [ -f "$MAIN" ] || die "the Quarkus service is not built: $MAIN (run without SKIP_BUILD=1)"
  "$JAVA" "-javaagent:$AGENT=threshold=50ms,report=$OUT/report.jsonl" "-Dquarkus.http.port=$PORT" -jar "$MAIN" \
    >"$OUT/server.log" 2>&1 &
else
  "$JAVA" "-javaagent:$AGENT=threshold=50ms,report=$OUT/report.jsonl" -cp "$CP" "$MAIN" "${ARGS[@]}" >"$OUT/server.log" 2>&1 &
fi
SERVER_PID=$!
call() { # endpoint (fast, sleep, spin, parallel)
  if [ "$FRAMEWORK" = grpc ]; then
    local m; m="$(tr '[:lower:]' '[:upper:]' <<<"${1:0:1}")${1:1}"
    "$JAVA" -cp "$CP" dev.loopwatch.examples.grpc.GrpcDemo client "$PORT" "$m" 300
  else
    curl -sS "http://127.0.0.1:$PORT/$1?ms=300"; echo
  fi
}
for _ in $(seq 1 120); do
  if [ "$FRAMEWORK" = grpc ]; then grep -q listening "$OUT/server.log" && break
  else curl -s -o /dev/null "http://127.0.0.1:$PORT/fast" && break; fi
  sleep 0.5
done
sleep 1
ENDPOINTS=(fast sleep spin); [ "$FRAMEWORK" = webflux ] && ENDPOINTS+=(parallel)
[ "$FRAMEWORK" = vertx ] && ENDPOINTS+=(blocking)
# A path-variable route (named by its template, /orders/{id}) and an @ExecuteOn(BLOCKING) method (silent).
[ "$FRAMEWORK" = micronaut ] && ENDPOINTS+=(orders/42 worker/sleep)
# The same for Quarkus: /orders/{id}, and /worker, a @Blocking method on a worker thread (silent).
[ "$FRAMEWORK" = quarkus ] && ENDPOINTS+=(orders/42 worker)
for e in "${ENDPOINTS[@]}"; do echo "--> $e"; call "$e"; sleep 0.5; done
sleep 1
echo; echo "==> what loopwatch logged (from $OUT/server.log):"
grep -A3 "loopwatch" "$OUT/server.log" | grep -E "stalled|resumed|task:|culprit:" || true
echo; echo "==> JSON lines ($OUT/report.jsonl): kind, thread, task, culprit"
# (a stall's "cause", "causeMs" and "profile" come between its task and its culprit)
sed -E 's/.*"type":"([^"]*)".*"thread":"([^"]*)","kind":"([^"]*)".*"task":"([^"]*)".*"culprit":"?([^",]*).*/\1  \3 \2  \4  @ \5/' "$OUT/report.jsonl" || true
