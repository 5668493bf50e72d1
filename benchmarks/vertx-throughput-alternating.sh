#!/usr/bin/env bash
# Vert.x hello-world throughput with and without loopwatch, measured in turn on live JVMs.
#
#   benchmarks/vertx-throughput-alternating.sh [groups] [rounds] [agent options ...]
#
# Runs dev.loopwatch.fixtures.vertx.AlternatingThroughput (it-fixtures/vertx): per group, one JVM without the
# agent and one per agent configuration (default: log=off), each warmed up alone until its JIT has settled, then
# measured in turn in 2 s windows (order reversed every other round) while the others are stopped with SIGSTOP.
# A configuration is agent options, `none` (a second agent-less JVM: an A/A control of the method) or
# `jvm:<JVM options>`. Prints one row per group and, per configuration, the median and mean ratio to the
# agent-less JVM with bootstrap 95 % intervals. Defaults: 8 groups, 5 rounds (about 10 minutes for 2 JVMs).
#
# Environment: VERTX  vertx-5 (default) or vertx-4;  SKIP_BUILD  skip the build;  JAVA_HOME  the JDK to run;
#              JAVA_OPTS  system properties for the driver: -Dwindow= (ms) -Dsettle= (ms) -Dwarmup= (s)
#              -Dconnections= -Dheap="-Xms256m -Xmx256m"
set -euo pipefail
cd "$(dirname "$0")/.."
GROUPS_N=${1:-8}
ROUNDS=${2:-5}
shift $(($# > 2 ? 2 : $#))
MODULE=${VERTX:-vertx-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -o package -pl core,agent,it-fixtures/$MODULE -am -DskipTests
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA" ${JAVA_OPTS:-} -cp "it-fixtures/$MODULE/target/classes:it-fixtures/$MODULE/target/libs/*" \
  dev.loopwatch.fixtures.vertx.AlternatingThroughput "$PWD/agent/target/loopwatch-agent.jar" "$GROUPS_N" "$ROUNDS" \
  "${@:-log=off}"
