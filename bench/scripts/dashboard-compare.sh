#!/usr/bin/env bash
# Every query of one Grafana Flink dashboard refresh (`vigil-bench query --list`), Vigil vs
# VictoriaMetrics 1.79 (its result cache off), same data, one run: the first requests after an
# ingest and after a start, the warm medians, and the whole refresh replayed at two concurrencies.
#
#   bench/scripts/dashboard-compare.sh [--keep DIR | --reuse DIR] [--phases ingest,start,warm,replay]
#
# Data: `vigil-bench backfill` of TMS TaskManagers (default 4, 8,657 series) over HOURS (24) at
# INTERVAL (PT60S), imported into both; Vigil cuts it into blocks while importing and compacts
# them in its upkeep. Phases:
#   ingest  each query's first request right after the import settled (no restart)
#   start   both restarted; each query's first FIRST_RUNS (3) requests, within the first minute
#   warm    WARM_RUNS (10) timed requests per query after 3 warm-ups, targets interleaved;
#           PREWARM (e.g. PT60S) first replays the refresh at 4 clients that long against each
#           target: right after a start Vigil's request path is still being compiled (the tiny
#           panels pay 1-2 ms a request for it), so without it warm means "in the first minute"
#   replay  `vigil-bench query` for REPLAY_DURATION (PT20S) at each of CONCURRENCY (4 16), Vigil
#           and VictoriaMetrics alternating
# Range and step of the graphs: RANGE (PT24H) / STEP (PT60S). VIGIL_JAVA_OPTS go to Vigil's JVM.
# VIGIL_BASE_JAR (with --reuse): a second Vigil build timed beside the first in the start and warm
# phases (target `base`, on its own copy of the data, made once as DIR/vigil-base), for before/after.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
VICTORIA="${VICTORIA:-/usr/bin/victoria-metrics}"
VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:-}"
VIGIL_ARGS="${VIGIL_ARGS:-}"
VIGIL_BASE_JAR="${VIGIL_BASE_JAR:-}"
TMS="${TMS:-4}"
HOURS="${HOURS:-24}"
INTERVAL="${INTERVAL:-PT60S}"
RANGE="${RANGE:-PT24H}"
STEP="${STEP:-PT60S}"
FIRST_RUNS="${FIRST_RUNS:-3}"
WARM_RUNS="${WARM_RUNS:-10}"
PREWARM="${PREWARM:-}"
REPLAY_DURATION="${REPLAY_DURATION:-PT20S}"
CONCURRENCY="${CONCURRENCY:-4 16}"

keep=""
reuse=""
phases="ingest,start,warm,replay"
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep="$2"; shift 2 ;;
    --reuse) reuse="$2"; shift 2 ;;
    --phases) phases="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
phase() { [[ ",$phases," == *",$1,"* ]]; }
source "$(dirname "$0")/lib.sh"
require_jars "$BENCH_JAR" "$VIGIL_JAR"
if [ -n "$reuse" ]; then work="$reuse"; elif [ -n "$keep" ]; then work="$keep"; mkdir -p "$work"; else work="$(mktemp -d /tmp/vigil-dash.XXXXXX)"; fi
cleanup() {
  stop_pids 30
  if [ -z "$keep" ] && [ -z "$reuse" ]; then rm -rf "$work"; else echo "data kept in $work"; fi
}
trap cleanup EXIT INT TERM

bench() { java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" "$@"; }
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"; }
wait_idle() { # pid name: until the process used < 5 % of a core over 5 s (at most 3 min)
  local a b
  for _ in $(seq 1 36); do
    a=$(cpu_ticks "$1"); sleep 5; b=$(cpu_ticks "$1")
    [ $((b - a)) -lt 25 ] && return 0
  done
  echo "$2 still busy after 3 min" >&2
}
stop_pid() { kill "$1"; for _ in $(seq 1 600); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done; }

start_vigil() {
  vport="${vport:-$(free_port)}"; pport="${pport:-$(free_port)}"
  # shellcheck disable=SC2086
  java $VIGIL_JAVA_OPTS -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$pport" \
    --storage.tsdb.path="$work/vigil" $VIGIL_ARGS >> "$work/vigil.log" 2>&1 &
  vpid=$!; pids+=("$vpid")
  wait_http "http://127.0.0.1:$vport/-/ready" 120
}
start_base() {
  bport="${bport:-$(free_port)}"; bpport="${bpport:-$(free_port)}"
  # shellcheck disable=SC2086
  java $VIGIL_JAVA_OPTS -jar "$VIGIL_BASE_JAR" --web.listen-address="127.0.0.1:$bport" --push.listen-address="127.0.0.1:$bpport" \
    --storage.tsdb.path="$work/vigil-base" $VIGIL_ARGS >> "$work/vigil-base.log" 2>&1 &
  bpid=$!; pids+=("$bpid")
  wait_http "http://127.0.0.1:$bport/-/ready" 120
}
start_victoria() {
  vmport="${vmport:-$(free_port)}"
  "$VICTORIA" -httpListenAddr="127.0.0.1:$vmport" -storageDataPath="$work/victoria" -retentionPeriod=100y \
    -search.latencyOffset=0s -search.disableCache >> "$work/victoria.log" 2>&1 &
  vmpid=$!; pids+=("$vmpid")
  wait_http "http://127.0.0.1:$vmport/health" 120
}
targets() {
  echo --target "vigil=http://127.0.0.1:$vport@$vpid" --target "victoria=http://127.0.0.1:$vmport@$vmpid"
  [ -z "$VIGIL_BASE_JAR" ] || echo --target "base=http://127.0.0.1:$bport@$bpid"
}
latency() { # title, then query-latency arguments
  local title="$1"; shift
  echo "== $title, $(load)"
  # shellcheck disable=SC2046
  bench query-latency --set dashboard --end "$end" --ranges "$RANGE/$STEP" --timeout PT60S $(targets) "$@" | tee "$work/$title.txt" | grep -E '^\||medians above'
}

if [ -n "$VIGIL_BASE_JAR" ]; then
  [ -n "$reuse" ] || { echo "VIGIL_BASE_JAR needs --reuse DIR" >&2; exit 2; }
  [ -d "$work/vigil-base" ] || cp -a "$work/vigil" "$work/vigil-base"
  start_base
fi
start_vigil
start_victoria
if [ -z "$reuse" ]; then
  end=$(( ($(date +%s) - 120) / 60 * 60 ))
  echo "$end" > "$work/end"
  echo "== loading $TMS TaskManagers, $HOURS h at $INTERVAL ending $(date -u -d "@$end" +%FT%TZ), $(load)"
  for u in "http://127.0.0.1:$vport" "http://127.0.0.1:$vmport"; do
    bench backfill -n "$TMS" --hours "$HOURS" --interval "$INTERVAL" --end "$end" --url "$u" | tail -1
  done
  curl -fsS "http://127.0.0.1:$vmport/internal/force_flush" > /dev/null
  # Head cuts run while importing; compaction in the store's minutely upkeep.
  sleep 70
else
  end=$(cat "$work/end")
fi
wait_idle "$vpid" vigil
wait_idle "$vmpid" victoria
[ -z "$VIGIL_BASE_JAR" ] || wait_idle "$bpid" base

if phase ingest; then
  latency after-ingest --warmup 0 --runs 1
fi
if phase start; then
  stop_pid "$vpid"; stop_pid "$vmpid"
  if [ -n "$VIGIL_BASE_JAR" ]; then stop_pid "$bpid"; start_base; fi
  start_vigil
  start_victoria
  latency after-start --warmup 0 --runs "$FIRST_RUNS"
fi
if phase warm; then
  if [ -n "$PREWARM" ]; then
    for u in "http://127.0.0.1:$vport" "http://127.0.0.1:$vmport"; do
      echo "== prewarm $u for $PREWARM, $(load)"
      bench query --url "$u" -c 4 -d "$PREWARM" --range "$RANGE" --step "$STEP" --end "$end" --label prewarm > /dev/null || true
    done
    [ -z "$VIGIL_BASE_JAR" ] || bench query --url "http://127.0.0.1:$bport" -c 4 -d "$PREWARM" --range "$RANGE" --step "$STEP" --end "$end" --label prewarm > /dev/null || true
  fi
  latency warm --warmup 3 --runs "$WARM_RUNS"
fi
if phase replay; then
  for c in $CONCURRENCY; do
    for t in vigil victoria; do
      if [ "$t" = vigil ]; then u="http://127.0.0.1:$vport"; p=$vpid; else u="http://127.0.0.1:$vmport"; p=$vmpid; fi
      echo "== replay $t, $c clients, $(load)"
      bench query --url "$u" -c "$c" -d "$REPLAY_DURATION" --range "$RANGE" --step "$STEP" --end "$end" --label "$t" --pid "$p" --progress PT60S \
        > "$work/replay-$t-$c.txt" || true
      grep '^RESULT ' "$work/replay-$t-$c.txt" | tail -1
    done
  done
fi
echo "done, $(load), $(nproc) cores, $(java -version 2>&1 | head -1)"
