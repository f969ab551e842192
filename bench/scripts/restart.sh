#!/usr/bin/env bash
# Restart without a usable head snapshot (issue 14): 1 M Flink-shaped series with a full 2 h WAL
# (720 samples each at 10 s, 720 M samples, about 8.6 GiB), built once into DATA and kept
# between runs (15-25 min), then Db.open timed RUNS times in fresh JVMs after deleting the head
# snapshot, so the whole WAL is replayed, and writing the series registry's open marker, as a
# kill -9 leaves it (the registry is created anew and rebuilt in the background after the open). --drop-chunks also deletes the head chunk files (the
# worst case: every sample encoded again). CP may name other tsdb classes (an older build) to
# compare with; the data folder is the same for both.
#
#   DATA=/var/tmp/vigil-k1m RUNS=3 bench/scripts/restart.sh [--drop-chunks]
#
# PROFILE=/tmp/restart-prof.html (with ASYNC_PROFILER=/path/to/libasyncProfiler.so) profiles each
# run's CPU with async-profiler (an html flame graph; .collapsed for folded stacks).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${DATA:-/var/tmp/vigil-k1m}"
RUNS="${RUNS:-3}"
HEAP="${HEAP:-7g}"
drop=false
[ "${1:-}" = "--drop-chunks" ] && drop=true

if [ -z "${CP:-}" ]; then
  (cd "$root" && mvn -B -ntp -q -pl tsdb -am -DskipTests test-compile)
  deps="$(mktemp)"
  (cd "$root/tsdb" && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$deps")
  CP="$root/tsdb/target/test-classes:$root/tsdb/target/classes:$(cat "$deps")"
  rm -f "$deps"
fi
FLAGS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED)

if [ ! -d "$DATA/wal" ]; then
  echo "building $DATA: 1,000,000 series x 720 samples (once)"
  java "${FLAGS[@]}" -Xmx"$HEAP" -cp "$CP" -Dnofsync=true -Dkeep="$DATA" -DskipReplay=true \
    dev.vigil.tsdb.perf.HeadHarness heap 1000000 720
fi
PROF=()
if [ -n "${PROFILE:-}" ]; then
  PROF=("-agentpath:${ASYNC_PROFILER:-/tmp/rwcost/ap/linux-x64/libasyncProfiler.so}=start,event=cpu,file=$PROFILE")
fi
for _ in $(seq "$RUNS"); do
  java "${FLAGS[@]}" ${PROF[@]+"${PROF[@]}"} -Xmx"$HEAP" -cp "$CP" -DdropChunks="$drop" dev.vigil.tsdb.perf.HeadHarness recover "$DATA" 2>&1 \
    | grep -E "crash recovery|WAL replay: [0-9]+ of|head chunk files:|series registry" || true
done
echo "uptime: $(uptime)"
