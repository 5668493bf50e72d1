#!/usr/bin/env bash
# Prints the absolute path of async-profiler's native library (Linux x64), fetching it from Maven Central
# (tools.profiler:async-profiler, the jar that carries the library) into benchmarks/target/profile the first time.
# Shared by loop-profile.sh and jit-state-count.sh.   Usage: benchmarks/profile/async-profiler.sh <java>
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA=${1:-java}
AP_VERSION=4.1
OUT=benchmarks/target/profile
mkdir -p "$OUT"
LIB=$OUT/linux-x64/libasyncProfiler.so
if [[ ! -f $LIB ]]; then
  mvn -q dependency:copy -Dartifact=tools.profiler:async-profiler:$AP_VERSION -DoutputDirectory="$OUT" >&2
  (cd "$OUT" && "${JAVA%java}jar" xf "async-profiler-$AP_VERSION.jar" linux-x64/libasyncProfiler.so)
fi
echo "$(cd "$(dirname "$LIB")" && pwd)/libasyncProfiler.so"
