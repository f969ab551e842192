#!/usr/bin/env bash
# Bytes per sample on disk for the same simulated history in Vigil, Prometheus and
# VictoriaMetrics: HOURS of TMS TaskManagers at INTERVAL, backfilled with timestamps (Vigil and
# VictoriaMetrics through /api/v1/import/prometheus, Prometheus as blocks written by promtool),
# then flushed/compacted, then measured with du. Everything runs on loopback ports with temporary
# folders and is stopped on exit.
#
#   TMS=1 HOURS=6 INTERVAL=PT10S RESTART_EVERY=PT30M bench/scripts/storage.sh [--only vigil,prometheus,victoria]
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
# The references come from Debian's packages; install them first when they are missing.
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMTOOL="${PROMTOOL:-/usr/bin/promtool}"
VICTORIA="${VICTORIA:-/usr/bin/victoria-metrics}"
TMS="${TMS:-1}"
HOURS="${HOURS:-6}"
INTERVAL="${INTERVAL:-PT10S}"
RESTART_EVERY="${RESTART_EVERY:-PT30M}"
only="vigil,prometheus,victoria"
[ "${1:-}" = "--only" ] && only="$2"
wants() { [[ ",$only," == *",$1,"* ]]; }

work="$(mktemp -d /tmp/vigil-storage.XXXXXX)"
source "$(dirname "$0")/lib.sh"
cleanup() {
  stop_pids 10
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

bench() { java -Xmx1g -jar "$BENCH_JAR" "$@"; }
end_sec=$(( $(date +%s) - 60 ))
args=(-n "$TMS" --hours "$HOURS" --end "$end_sec" --interval "$INTERVAL" --restart-every "$RESTART_EVERY")

samples=$(bench backfill "${args[@]}" --openmetrics /dev/null | awk '/^wrote/ {print $3}')
echo "history: $TMS TaskManagers, ${HOURS} h at $INTERVAL, failover every $RESTART_EVERY: $samples samples"
report() { # name bytes
  awk -v n="$1" -v b="$2" -v s="$samples" 'BEGIN { printf "%-11s %12d bytes  %8.1f MiB  %6.3f bytes/sample\n", n, b, b / 1048576, b / s }'
}

if wants prometheus; then
  bench backfill "${args[@]}" --openmetrics "$work/history.om" > /dev/null
  # Blocks up to 24 h: what compaction would make of this history (levels 2 h, 6 h, 18 h, ...).
  "$PROMTOOL" tsdb create-blocks-from openmetrics --max-block-duration=24h "$work/history.om" "$work/prometheus" > "$work/promtool.log"
  rm -f "$work/history.om"
  report prometheus $(( $(du -sk "$work/prometheus" | awk '{print $1}') * 1024 ))
fi

if wants victoria; then
  port=$(free_port)
  "$VICTORIA" -httpListenAddr="127.0.0.1:$port" -storageDataPath="$work/victoria" -retentionPeriod=100y > "$work/victoria.log" 2>&1 &
  pids+=("$!")
  wait_http "http://127.0.0.1:$port/health"
  bench backfill "${args[@]}" --url "http://127.0.0.1:$port" --progress PT60S | grep '^RESULT' | cut -c1-120
  curl -fsS "http://127.0.0.1:$port/internal/force_flush" > /dev/null
  curl -fsS "http://127.0.0.1:$port/internal/force_merge" > /dev/null || true
  sleep 10
  report victoria $(( $(du -sk "$work/victoria" | awk '{print $1}') * 1024 ))
fi

if wants vigil; then
  if [ -f "$VIGIL_JAR" ]; then
    port=$(free_port); pport=$(free_port)
    java -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$port" --push.listen-address="127.0.0.1:$pport" \
      --storage.tsdb.path="$work/vigil" > "$work/vigil.log" 2>&1 &
    vpid=$!; pids+=("$vpid")
    wait_http "http://127.0.0.1:$port/-/ready"
    bench backfill "${args[@]}" --url "http://127.0.0.1:$port" --progress PT60S | grep '^RESULT' | cut -c1-120
    kill "$vpid"; for _ in $(seq 1 300); do kill -0 "$vpid" 2>/dev/null || break; sleep 0.1; done
    report vigil $(( $(du -sk "$work/vigil" | awk '{print $1}') * 1024 ))
  else
    echo "vigil: skipped, $VIGIL_JAR not built"
  fi
fi
