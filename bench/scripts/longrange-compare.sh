#!/usr/bin/env bash
# Long-range dashboard queries (7 d and 30 d at a 1 h step): Vigil with rollups, Vigil raw and
# Prometheus 2.42, same data, one run (issue #15).
#
#   bench/scripts/longrange-compare.sh [--phases data,query]
#
# Data: `vigil-bench backfill` of TMS TaskManagers (default 1, with its JobManager: 2,173 series,
# no failovers) over DAYS (30) at INTERVAL (PT30S), ending at the last multiple of PART_HOURS (6 h)
# UTC: 187.7 M samples. Made once and kept in DATA (/var/tmp/vigil-longrange; delete it to make
# new data):
#   prometheus/  promtool-made blocks. The OpenMetrics text (~490 B a sample, ~92 GB in all) is
#                written in parts of PART_HOURS into PARTS (/dev/shm/vigil-longrange-parts, a few
#                GB at a time); PROMTOOL_JOBS (2) `promtool tsdb create-blocks-from openmetrics
#                --max-block-duration=MAX_BLOCK (432h)` turn each into a block and delete it.
#                Prometheus then compacts the blocks itself when started (retention 400d).
#                Stopped part way, the next run resumes after the last part done.
#   vigil/       `vigil.jar tsdb import-prometheus` of those blocks (a user's migration path),
#                then Vigil compacts them and, if the jar knows --storage.tsdb.downsample.after,
#                writes rollups of blocks older than DOWNSAMPLE_AFTER (40h).
# Query phase: every query of the Flink dashboard (`vigil-bench query-latency --set dashboard`)
# over RANGES (P7D/PT1H,P30D/PT1H), every [1m]/[5m] window made RATE_INTERVAL (PT1H: Grafana's
# $__rate_interval at a 1 h step), WARMUP (2) untimed then RUNS (5) timed requests per target,
# targets interleaved: vigil (default: rollups), vigil-raw (max_source_resolution=raw) and
# prometheus, all on 127.0.0.1; answers compared (largest relative difference per pair). The table
# goes to stdout and OUT (DATA/longrange-<UTC time>.txt).
# VIGIL_DIR (DATA/vigil) is the Vigil store the query phase opens: point it at a copy (`cp -a`) to
# keep DATA's as imported (Vigil compacts and rolls up what it opens; so does Prometheus, so give
# a copy of DATA as a whole when DATA must stay untouched). PORT_BASE: ports PORT_BASE..+2 instead
# of free ephemeral ones.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PROMTOOL="${PROMTOOL:-/usr/bin/promtool}"
VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:--Xmx2g}"
DATA="${DATA:-/var/tmp/vigil-longrange}"
PARTS="${PARTS:-/dev/shm/vigil-longrange-parts}"
TMS="${TMS:-1}"
DAYS="${DAYS:-30}"
INTERVAL="${INTERVAL:-PT30S}"
PART_HOURS="${PART_HOURS:-6}"
PROMTOOL_JOBS="${PROMTOOL_JOBS:-2}"
MAX_BLOCK="${MAX_BLOCK:-432h}"
DOWNSAMPLE_AFTER="${DOWNSAMPLE_AFTER:-40h}"
RANGES="${RANGES:-P7D/PT1H,P30D/PT1H}"
RATE_INTERVAL="${RATE_INTERVAL:-PT1H}"
WARMUP="${WARMUP:-2}"
RUNS="${RUNS:-5}"
VIGIL_DIR="${VIGIL_DIR:-$DATA/vigil}"
PORT_BASE="${PORT_BASE:-}"

phases="data,query"
while [ $# -gt 0 ]; do
  case "$1" in
    --phases) phases="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
phase() { [[ ",$phases," == *",$1,"* ]]; }
source "$(dirname "$0")/lib.sh"
require_jars "$BENCH_JAR" "$VIGIL_JAR"
for b in "$PROMETHEUS" "$PROMTOOL"; do
  [ -x "$b" ] || { echo "missing $b (bench/scripts/install-references.sh)" >&2; exit 1; }
done
mkdir -p "$DATA"
trap 'stop_pids 60' EXIT INT TERM

bench() { java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" "$@"; }
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"; }
wait_idle() { # pid name: until the process used < 5 % of a core over 10 s (at most 30 min)
  local a b
  for _ in $(seq 1 180); do
    a=$(cpu_ticks "$1"); sleep 10; b=$(cpu_ticks "$1")
    [ $((b - a)) -lt 50 ] && return 0
  done
  echo "$2 still busy after 30 min" >&2
}

if [ -s "$DATA/end" ]; then
  end=$(cat "$DATA/end")
else
  part_s=$((PART_HOURS * 3600))
  end=$(( ($(date +%s) - 120) / part_s * part_s ))
  echo "$end" > "$DATA/end"
fi
hours="${HOURS:-$((DAYS * 24))}"

# The first part not yet turned into a block (its start, Unix seconds): a part is done when a
# block starts in it (promtool makes one block of a part, published by rename). Blocks from that
# part on (a later part may have finished first) and unfinished ones are removed.
resume_point() {
  rm -rf "$DATA/prometheus"/*.tmp* "$DATA/prometheus/wal" "$DATA/prometheus/chunks_head"
  python3 - "$DATA/prometheus" "$(( (end - hours * 3600) / (PART_HOURS * 3600) * PART_HOURS * 3600 ))" "$end" "$((PART_HOURS * 3600))" <<'PY'
import glob, json, os, shutil, sys
folder, first, end, part = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
blocks = {}
for m in glob.glob(os.path.join(folder, "*", "meta.json")):
    blocks[os.path.dirname(m)] = json.load(open(m))["minTime"] // 1000 // part * part
done = set(blocks.values())
s = first
while s < end and s in done:
    s += part
for d, p in blocks.items():
    if p >= s:
        shutil.rmtree(d)
print(s)
PY
}

# The OpenMetrics parts, each turned into a Prometheus block as soon as it is complete; resumes
# after the parts already done.
prometheus_blocks() {
  rm -rf "$PARTS" "$DATA/promtool.failed"
  mkdir -p "$DATA/prometheus"
  local from; from=$(resume_point)
  echo "== making $DAYS d of $TMS TaskManager(s) at $INTERVAL ending $(date -u -d "@$end" +%FT%TZ) as promtool blocks, from $(date -u -d "@$from" +%FT%TZ), $(load)"
  nice -n 10 java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" backfill -n "$TMS" --restart-every PT0S --hours "$hours" \
    --interval "$INTERVAL" --end "$end" --openmetrics "$PARTS" --part-hours "$PART_HOURS" --parts-ahead 1 --parts-from "$from" >> "$DATA/generate.log" 2>&1 &
  local gen=$! busy=() p part
  local t0; t0=$(date +%s)
  while :; do
    part=$(find "$PARTS" -maxdepth 1 -name 'part-*.om' 2>/dev/null | sort | head -1 || true)
    if [ -z "$part" ]; then
      kill -0 "$gen" 2>/dev/null || break
      sleep 1
      continue
    fi
    mv "$part" "$part.busy"
    ( nice -n 10 "$PROMTOOL" tsdb create-blocks-from openmetrics --max-block-duration="$MAX_BLOCK" "$part.busy" "$DATA/prometheus" \
        > "$part.log" 2>&1 && rm -f "$part.busy" "$part.log" || { echo "promtool failed on $part: $(tail -3 "$part.log")" >&2; touch "$DATA/promtool.failed"; } ) &
    busy+=($!)
    while [ "$(jobs -rp | grep -cvx "$gen")" -ge "$PROMTOOL_JOBS" ]; do sleep 1; done
    [ ! -e "$DATA/promtool.failed" ] || break
  done
  wait "$gen" || { echo "generation failed: $(tail -3 "$DATA/generate.log")" >&2; exit 1; }
  for p in "${busy[@]}"; do wait "$p" || true; done
  [ ! -e "$DATA/promtool.failed" ] || exit 1
  rm -rf "$PARTS"
  tail -1 "$DATA/generate.log"
  echo "== $(find "$DATA/prometheus" -name meta.json | wc -l) Prometheus blocks, $(du -sh "$DATA/prometheus" | cut -f1), $(( $(date +%s) - t0 )) s, $(load)"
  touch "$DATA/prometheus.done"
}

if phase data; then
  [ -e "$DATA/prometheus.done" ] || prometheus_blocks
  if [ ! -e "$DATA/vigil.done" ]; then
    rm -rf "$DATA/vigil"
    echo "== vigil.jar tsdb import-prometheus, $(load)"
    java $VIGIL_JAVA_OPTS -jar "$VIGIL_JAR" tsdb import-prometheus "$DATA/prometheus" "$DATA/vigil" 2>&1 | grep -v '^block ' | tee "$DATA/import.log"
    touch "$DATA/vigil.done"
  fi
fi

if phase query; then
  [ -e "$DATA/prometheus.done" ] && [ -e "$DATA/vigil.done" ] || { echo "no data in $DATA: run the data phase first" >&2; exit 1; }
  OUT="${OUT:-$DATA/longrange-$(date -u +%Y%m%dT%H%M%SZ).txt}"
  downsample=()
  if java -jar "$VIGIL_JAR" --help 2>&1 | grep -q -- '--storage.tsdb.downsample.after'; then
    downsample=("--storage.tsdb.downsample.after=$DOWNSAMPLE_AFTER")
  else
    echo "note: $VIGIL_JAR has no --storage.tsdb.downsample.after: no rollups, so vigil and vigil-raw read the same blocks"
  fi
  port() { if [ -n "$PORT_BASE" ]; then echo $((PORT_BASE + $1)); else free_port; fi; }
  pport=$(port 0)
  "$PROMETHEUS" --config.file=/dev/null --storage.tsdb.path="$DATA/prometheus" --storage.tsdb.retention.time=400d \
    --web.listen-address="127.0.0.1:$pport" > "$DATA/prometheus.log" 2>&1 &
  ppid_=$!; pids+=("$ppid_")
  vport=$(port 1)
  # shellcheck disable=SC2086
  java $VIGIL_JAVA_OPTS -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$(port 2)" \
    --storage.tsdb.path="$VIGIL_DIR" "${downsample[@]}" > "$DATA/vigil.log" 2>&1 &
  vpid=$!; pids+=("$vpid")
  wait_http "http://127.0.0.1:$pport/-/ready" 600
  wait_http "http://127.0.0.1:$vport/-/ready" 600
  # Both compact what they were given (and Vigil writes its rollups) in their first minutes.
  sleep 70
  wait_idle "$ppid_" prometheus
  wait_idle "$vpid" vigil
  if [ ${#downsample[@]} -gt 0 ]; then
    # Rollups are written in the minutely upkeep, possibly rounds after the compaction: wait until
    # their count held for 150 s (at most 30 min).
    rollups() { find "$VIGIL_DIR/downsample" -name meta.json 2>/dev/null | wc -l; }
    last=-1; since=$(date +%s)
    for _ in $(seq 1 180); do
      n=$(rollups)
      if [ "$n" != "$last" ]; then last=$n; since=$(date +%s); elif [ $(( $(date +%s) - since )) -ge 150 ]; then break; fi
      sleep 10
    done
    wait_idle "$vpid" vigil
  fi
  {
    echo "# $(load), $(nproc) cores; $TMS TaskManager(s) + JobManager, $DAYS d at $INTERVAL ending $(date -u -d "@$end" +%FT%TZ)"
    echo "# Prometheus $("$PROMETHEUS" --version 2>&1 | head -1 | awk '{print $3}'): $(find "$DATA/prometheus" -maxdepth 2 -name meta.json | wc -l) blocks, $(du -sh "$DATA/prometheus" | cut -f1);" \
      "Vigil: $(find "$VIGIL_DIR" -maxdepth 2 -name meta.json | wc -l) raw blocks, $(find "$VIGIL_DIR/downsample" -name meta.json 2>/dev/null | wc -l) rollup blocks, $(du -sh "$VIGIL_DIR" | cut -f1)${downsample[*]:+ (${downsample[*]})}"
    # shellcheck disable=SC2046
    java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" query-latency --set dashboard --end "$end" --ranges "$RANGES" --rate-interval "$RATE_INTERVAL" --timeout PT120S \
      --warmup "$WARMUP" --runs "$RUNS" --target "vigil=http://127.0.0.1:$vport@$vpid" --target "vigil-raw=http://127.0.0.1:$vport@$vpid" \
      --target "prometheus=http://127.0.0.1:$pport@$ppid_" --param vigil-raw=max_source_resolution=raw
    echo "# done, $(load)"
  } 2>&1 | tee "$OUT"
  echo "written to $OUT"
fi
