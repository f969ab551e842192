#!/usr/bin/env bash
# Range-query latency of the four Flink dashboard queries over HTTP, Vigil vs Prometheus vs
# VictoriaMetrics, on identical data, in one run. Each store is started here on a free loopback
# port with a temporary data folder and stopped on exit.
#
#   bench/scripts/query-compare.sh [--only vigil,prometheus,victoria] [--keep DIR | --reuse DIR]
#
# Data (vigil-bench query-data): TMS TaskManagers (default 20: 43,000 series in the last hour at
# 15 s; the 12,000 queried series over the HOURS before it at 60 s). Vigil and VictoriaMetrics
# get it through /api/v1/import/prometheus (ms timestamps); Prometheus as blocks written by
# promtool. Vigil cuts its head into blocks while importing and compacts them in its minutely
# upkeep, so the history sits in blocks and the last hours in the head, as in production
# (VIGIL_RESTART=1 restarts it after the import instead). Then vigil-bench query-latency times each query RUNS times per target after a
# warm-up, interleaving the targets, 1 h at 15 s and 24 h at 60 s.
#
# --keep DIR keeps the three data folders in DIR; --reuse DIR starts the stores on them again
# (skipping the load; a restarted Vigil replays its WAL into the head). Delete DIR/vigil before
# --reuse to load Vigil afresh with the same samples. Knobs: TMS=20 HOURS=24 RUNS=10 QUERY_TIMEOUT=60s ONLY_QUERIES=
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PROMTOOL="${PROMTOOL:-/usr/bin/promtool}"
VICTORIA="${VICTORIA:-/usr/bin/victoria-metrics}"
VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:-}"
TMS="${TMS:-20}"
HOURS="${HOURS:-24}"
RUNS="${RUNS:-10}"
QUERY_TIMEOUT="${QUERY_TIMEOUT:-60s}"
ONLY_QUERIES="${ONLY_QUERIES:-}"

only="vigil,prometheus,victoria"
keep=""
reuse=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --reuse) reuse="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
source "$(dirname "$0")/lib.sh"
require_jars "$BENCH_JAR" "$VIGIL_JAR"

if [ -n "$reuse" ]; then
  work="$reuse"
elif [ -n "$keep" ]; then
  work="$keep"; mkdir -p "$work"
else
  work="$(mktemp -d /tmp/vigil-query.XXXXXX)"
fi
cleanup() {
  stop_pids 30
  if [ -z "$keep" ] && [ -z "$reuse" ]; then rm -rf "$work"; else echo "data kept in $work"; fi
}
trap cleanup EXIT INT TERM

bench() { java -XX:+UseParallelGC -Xmx2g -jar "$BENCH_JAR" "$@"; }
wait_idle() { # pid name: until the process used < 5 % of a core over 5 s (at most 3 min)
  local a b
  for _ in $(seq 1 36); do
    a=$(cpu_ticks "$1"); sleep 5; b=$(cpu_ticks "$1")
    [ $((b - a)) -lt 25 ] && return 0
  done
  echo "$2 still busy after 3 min" >&2
}

start_vigil() {
  vport=$(free_port); local pport; pport=$(free_port)
  # shellcheck disable=SC2086
  java $VIGIL_JAVA_OPTS -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$pport" \
    --storage.tsdb.path="$work/vigil" --query.timeout="$QUERY_TIMEOUT" >> "$work/vigil.log" 2>&1 &
  vpid=$!; pids+=("$vpid")
  wait_http "http://127.0.0.1:$vport/-/ready" 120
}
stop_vigil() {
  kill "$vpid"; for _ in $(seq 1 600); do kill -0 "$vpid" 2>/dev/null || break; sleep 0.1; done
}
start_victoria() {
  vmport=$(free_port)
  # No response cache: every run computes its answer, as the other two do.
  "$VICTORIA" -httpListenAddr="127.0.0.1:$vmport" -storageDataPath="$work/victoria" -retentionPeriod=100y \
    -search.latencyOffset=0s -search.disableCache -search.maxQueryDuration="$QUERY_TIMEOUT" >> "$work/victoria.log" 2>&1 &
  vmpid=$!; pids+=("$vmpid")
  wait_http "http://127.0.0.1:$vmport/health" 120
}

if [ -z "$reuse" ]; then
  end=$(( ($(date +%s) - 120) / 60 * 60 ))
  echo "$end" > "$work/end"
  urls=()
  if wants vigil; then mkdir -p "$work/vigil"; start_vigil; urls+=(--url "http://127.0.0.1:$vport"); fi
  if wants victoria; then mkdir -p "$work/victoria"; start_victoria; urls+=(--url "http://127.0.0.1:$vmport"); fi
  om=()
  if wants prometheus; then om=(--openmetrics "$work/history.om"); fi
  echo "== loading: $TMS TaskManagers, $HOURS h ending $(date -u -d "@$end" +%FT%TZ)"
  bench query-data -n "$TMS" --hours "$HOURS" --end "$end" "${urls[@]}" "${om[@]}"
  if wants prometheus; then
    echo "== prometheus: promtool tsdb create-blocks-from openmetrics"
    s=$(date +%s)
    "$PROMTOOL" tsdb create-blocks-from openmetrics "$work/history.om" "$work/prometheus" > "$work/promtool.log" 2>&1
    echo "promtool: $(( $(date +%s) - s )) s"
    rm -f "$work/history.om"
  fi
  if wants vigil && [ "${VIGIL_RESTART:-0}" = 1 ]; then
    # A restart runs the head cut and compaction before the store reports ready.
    stop_vigil
    pids=("${pids[@]/$vpid}")
  fi
  if wants victoria; then curl -fsS "http://127.0.0.1:$vmport/internal/force_flush" > /dev/null; fi
else
  end=$(cat "$work/end")
  if wants victoria; then start_victoria; fi
  if wants vigil && [ ! -d "$work/vigil" ]; then
    # A reused folder without Vigil's data: load the same samples (same seed and end) again.
    mkdir -p "$work/vigil"; start_vigil
    echo "== loading vigil: $TMS TaskManagers, $HOURS h ending $(date -u -d "@$end" +%FT%TZ)"
    bench query-data -n "$TMS" --hours "$HOURS" --end "$end" --url "http://127.0.0.1:$vport"
    fresh_vigil=1
  fi
fi

targets=()
if wants vigil; then
  if [ -z "${fresh_vigil:-}" ] && { [ -n "$reuse" ] || [ "${VIGIL_RESTART:-0}" = 1 ]; }; then
    start_vigil
  else
    # Head cuts run while importing; compaction runs in the store's minutely upkeep.
    sleep 70
  fi
  wait_idle "$vpid" vigil
  echo "vigil blocks:"
  for m in "$work"/vigil/*/meta.json; do
    [ -f "$m" ] && python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("  %s  %.1f h  %d series  %d samples" % (sys.argv[1].split("/")[-2], (m["maxTime"]-m["minTime"])/3.6e6, m["stats"]["numSeries"], m["stats"]["numSamples"]))' "$m"
  done
  grep -E "cut head|compact" "$work/vigil.log" | tail -5 || true
  targets+=(--target "vigil=http://127.0.0.1:$vport@$vpid")
fi
if wants prometheus; then
  mport=$(free_port)
  printf 'global:\n  scrape_interval: 15s\n' > "$work/prometheus.yml"
  "$PROMETHEUS" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" --web.listen-address="127.0.0.1:$mport" \
    --storage.tsdb.retention.time=400d --query.timeout="$QUERY_TIMEOUT" >> "$work/prometheus.log" 2>&1 &
  mpid=$!; pids+=("$mpid")
  wait_http "http://127.0.0.1:$mport/-/ready" 120
  # Its compactor merges the backfilled 2 h blocks a minute after start; measure after that.
  sleep 70
  wait_idle "$mpid" prometheus
  echo "prometheus blocks: $(find "$work/prometheus" -maxdepth 2 -name meta.json | wc -l)"
  targets+=(--target "prometheus=http://127.0.0.1:$mport@$mpid")
fi
if wants victoria; then
  wait_idle "$vmpid" victoria
  targets+=(--target "victoria=http://127.0.0.1:$vmport@$vmpid")
fi

echo "== timing, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
extra=()
[ -n "$ONLY_QUERIES" ] && extra=(--only "$ONLY_QUERIES")
bench query-latency --end "$end" --runs "$RUNS" --timeout PT90S "${targets[@]}" "${extra[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores, $(java -version 2>&1 | head -1), $(date -u +%FT%TZ)"
