#!/usr/bin/env bash
# Runs the same simulated Flink workload against Vigil, against Pushgateway + Prometheus, and
# against VictoriaMetrics, each started here on free loopback ports with temporary data folders,
# and prints one comparison table. Everything started here is stopped on exit.
#
#   bench/scripts/compare.sh [--only vigil,prometheus,victoria] [--keep]
#
# Workload knobs (environment): TMS=4 SLOTS=4 INTERVAL=PT10S BACKFILL_HOURS=2 PUSH_DURATION=PT60S
# FLOOD_DURATION=PT20S FLOOD_CONCURRENCY=4 QUERY_DURATION=PT20S QUERY_CONCURRENCY=4 QUERY_RANGE=PT1H
# Binaries: VIGIL_JAR (server/target/vigil.jar), BENCH_JAR (bench/target/vigil-bench.jar),
# PROMETHEUS, PUSHGATEWAY, PROMTOOL, VICTORIA (the Debian paths by default).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
# The references come from Debian's packages; install them first when they are missing.
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PUSHGATEWAY="${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}"
PROMTOOL="${PROMTOOL:-/usr/bin/promtool}"
VICTORIA="${VICTORIA:-/usr/bin/victoria-metrics}"
TMS="${TMS:-4}"
SLOTS="${SLOTS:-4}"
INTERVAL="${INTERVAL:-PT10S}"
BACKFILL_HOURS="${BACKFILL_HOURS:-2}"
PUSH_DURATION="${PUSH_DURATION:-PT60S}"
FLOOD_DURATION="${FLOOD_DURATION:-PT20S}"
FLOOD_CONCURRENCY="${FLOOD_CONCURRENCY:-4}"
QUERY_DURATION="${QUERY_DURATION:-PT20S}"
QUERY_CONCURRENCY="${QUERY_CONCURRENCY:-4}"
QUERY_RANGE="${QUERY_RANGE:-PT1H}"

only="vigil,prometheus,victoria"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

[ -f "$BENCH_JAR" ] || { echo "missing $BENCH_JAR: mvn -q -pl bench -am -DskipTests package" >&2; exit 1; }

work="$(mktemp -d /tmp/vigil-compare.XXXXXX)"
source "$(dirname "$0")/lib.sh"
cleanup() {
  stop_pids 5
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT INT TERM

disk_kb() { # dirs... -> summed du -sk
  local sum=0 v
  for d in "$@"; do
    v=$(du -sk "$d" 2>/dev/null | awk '{print $1}')
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

bench() { java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" "$@"; }

results="$work/results.txt"
: > "$results"
record() { # target phase rss_kb disk_kb < bench output
  local target="$1" phase="$2" rss="$3" disk="$4" line
  line=$(grep '^RESULT ' | tail -1 || true)
  echo "$target $phase rss_kb=$rss disk_kb=$disk $line" >> "$results"
}

run_phase() { # target phase rss_pids(csv) disk_dirs(csv) -- bench args...
  local target="$1" phase="$2" rpids="$3" ddirs="$4"
  shift 5
  echo "== $target: $phase"
  bench "$@" --label "$target" --progress PT10S | tee "$work/$target-$phase.log" | grep -E '^\[|^first|^push:|^flood:|^query:|^backfill:' || true
  record "$target" "$phase" "$(rss_kb ${rpids//,/ })" "$(disk_kb ${ddirs//,/ })" < "$work/$target-$phase.log"
}

end_sec=$(( $(date +%s) - 120 ))
common=(-n "$TMS" --slots "$SLOTS")

# ---- Vigil ---------------------------------------------------------------------------------------
if wants vigil; then
  if [ -f "$VIGIL_JAR" ]; then
    vport=$(free_port); pport=$(free_port)
    mkdir -p "$work/vigil"
    java -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$pport" \
      --storage.tsdb.path="$work/vigil" > "$work/vigil.log" 2>&1 &
    vpid=$!; pids+=("$vpid")
    if wait_http "http://127.0.0.1:$vport/-/ready" 60; then
      v="http://127.0.0.1:$vport"
      run_phase vigil backfill "$vpid" "$work/vigil" -- backfill "${common[@]}" --url "$v" --hours "$BACKFILL_HOURS" --end "$end_sec" --interval "$INTERVAL"
      run_phase vigil push "$vpid" "$work/vigil" -- push "${common[@]}" --url "http://127.0.0.1:$pport" --interval "$INTERVAL" -d "$PUSH_DURATION" --no-delete-on-exit
      run_phase vigil flood "$vpid" "$work/vigil" -- flood "${common[@]}" --url "http://127.0.0.1:$pport" -c "$FLOOD_CONCURRENCY" -d "$FLOOD_DURATION" --seed 7 --no-delete-on-exit
      run_phase vigil query "$vpid" "$work/vigil" -- query --url "$v" -c "$QUERY_CONCURRENCY" -d "$QUERY_DURATION" --range "$QUERY_RANGE"
    else
      echo "vigil did not start; see $work/vigil.log" >&2; tail -20 "$work/vigil.log" >&2 || true
    fi
  else
    echo "== vigil: skipped, $VIGIL_JAR not built (mvn -q -pl server -am -DskipTests package)"
  fi
fi

# ---- Pushgateway + Prometheus -------------------------------------------------------------------------
if wants prometheus; then
  gport=$(free_port); mport=$(free_port)
  mkdir -p "$work/prometheus"
  if [ "$BACKFILL_HOURS" != 0 ]; then
    # Prometheus has no import route: the same history goes in as blocks, before it starts.
    echo "== prometheus: backfill as blocks (promtool)"
    start=$(date +%s%N)
    bench backfill "${common[@]}" --openmetrics "$work/history.om" --hours "$BACKFILL_HOURS" --end "$end_sec" --interval "$INTERVAL" | tail -1
    "$PROMTOOL" tsdb create-blocks-from openmetrics "$work/history.om" "$work/prometheus" > "$work/promtool.log" 2>&1
    secs=$(( ($(date +%s%N) - start) / 1000000 ))
    rm -f "$work/history.om"
    echo "prometheus backfill seconds_ms=$secs rss_kb=0 disk_kb=$(disk_kb "$work/prometheus") RESULT mode=backfill target=prometheus seconds=$((secs / 1000)) samples_per_s=- p50_ms=- p99_ms=- errors=0" >> "$results"
  fi
  start_pushgateway_stack "$work" "$gport" "$mport" --storage.tsdb.retention.time=400d
  wait_http "http://127.0.0.1:$gport/-/ready" 30
  wait_http "http://127.0.0.1:$mport/-/ready" 60
  run_phase prometheus push "$gpid,$mpid" "$work/prometheus" -- push "${common[@]}" --url "http://127.0.0.1:$gport" --interval "$INTERVAL" -d "$PUSH_DURATION" --no-delete-on-exit
  run_phase prometheus flood "$gpid,$mpid" "$work/prometheus" -- flood "${common[@]}" --url "http://127.0.0.1:$gport" -c "$FLOOD_CONCURRENCY" -d "$FLOOD_DURATION" --seed 7 --no-delete-on-exit
  run_phase prometheus query "$gpid,$mpid" "$work/prometheus" -- query --url "http://127.0.0.1:$mport" -c "$QUERY_CONCURRENCY" -d "$QUERY_DURATION" --range "$QUERY_RANGE"
fi

# ---- VictoriaMetrics -----------------------------------------------------------------------------------
if wants victoria; then
  vmport=$(free_port)
  mkdir -p "$work/victoria"
  "$VICTORIA" -httpListenAddr="127.0.0.1:$vmport" -storageDataPath="$work/victoria" -retentionPeriod=100y \
    -search.latencyOffset=0s > "$work/victoria.log" 2>&1 &
  vmpid=$!; pids+=("$vmpid")
  wait_http "http://127.0.0.1:$vmport/health" 30
  vm="http://127.0.0.1:$vmport"
  run_phase victoria backfill "$vmpid" "$work/victoria" -- backfill "${common[@]}" --url "$vm" --hours "$BACKFILL_HOURS" --end "$end_sec" --interval "$INTERVAL"
  # No push groups: the same bodies go to the import route with the group's job as a label.
  run_phase victoria push "$vmpid" "$work/victoria" -- push "${common[@]}" --url "$vm" --import-path /api/v1/import/prometheus --interval "$INTERVAL" -d "$PUSH_DURATION"
  run_phase victoria flood "$vmpid" "$work/victoria" -- flood "${common[@]}" --url "$vm" --import-path /api/v1/import/prometheus -c "$FLOOD_CONCURRENCY" -d "$FLOOD_DURATION" --seed 7
  run_phase victoria query "$vmpid" "$work/victoria" -- query --url "$vm" -c "$QUERY_CONCURRENCY" -d "$QUERY_DURATION" --range "$QUERY_RANGE"
fi

# ---- table ---------------------------------------------------------------------------------------------
echo
echo "workload: $TMS TaskManagers x $SLOTS slots, interval $INTERVAL, backfill ${BACKFILL_HOURS}h, push $PUSH_DURATION, flood $FLOOD_DURATION x$FLOOD_CONCURRENCY, query $QUERY_DURATION x$QUERY_CONCURRENCY over $QUERY_RANGE"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-11s %-9s %9s %12s %9s %9s %9s %-14s %10s %10s\n' target phase req/s samples/s p50_ms p95_ms p99_ms status rss_MiB disk_MiB
awk '{
  delete kv
  for (i = 3; i <= NF; i++) { n = index($i, "="); if (n > 0) kv[substr($i, 1, n - 1)] = substr($i, n + 1) }
  rps = ("rps" in kv) ? kv["rps"] : "-"
  sps = ("samples_per_s" in kv) ? kv["samples_per_s"] : "-"
  if ($2 == "backfill" && $1 == "prometheus") { rps = "-"; sps = sprintf("(%ss)", kv["seconds"]) }
  printf "%-11s %-9s %9s %12s %9s %9s %9s %-14s %10.1f %10.1f\n", $1, $2, rps, sps,
    ("p50_ms" in kv) ? kv["p50_ms"] : "-", ("p95_ms" in kv) ? kv["p95_ms"] : "-", ("p99_ms" in kv) ? kv["p99_ms"] : "-",
    ("statuses" in kv) ? kv["statuses"] : "-", kv["rss_kb"] / 1024, kv["disk_kb"] / 1024
}' "$results"
echo "(prometheus rss = pushgateway + prometheus; its push/flood figures are the pushgateway's, scraped every 10 s)"
