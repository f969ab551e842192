#!/usr/bin/env bash
# What remote write out costs the push path: the 20-TaskManager push flood (`vigil-bench flood`,
# as bench/scripts/push-compare.sh runs it) against a fresh Vigil without remote write, then
# against a fresh Vigil that remote-writes everything to a local VictoriaMetrics, in one run.
# Prints both acknowledged throughputs (steady window), their ratio, the samples/s Vigil sent
# (prometheus_remote_storage_samples_total) and the samples/s VictoriaMetrics stored
# (vm_rows_added_to_storage_total) over the same window, how far the queue lags at the end, and
# the CPU seconds per second each process (Vigil, the flood generator, VictoriaMetrics) used over
# the window (from /proc) with Vigil's CPU per acknowledged sample.
#
#   bench/scripts/remote-write-cost.sh [TaskManagers=20] [duration=PT60S]
#
# Knobs (environment): PUSHERS=20, SKIP=15 (seconds before the steady window), VIGIL_HEAP=2g,
# VIGIL_JAR, BENCH_JAR, VIGIL_OPTS (extra JVM options, e.g. an async-profiler -agentpath whose
# file name may hold %s for the run's label), RW_QUEUE (extra queue_config lines, YAML, indented
# by 6), ONLY=with|without (run one side). Needs victoria-metrics (bench/scripts/install-references.sh).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PUSHERS="${PUSHERS:-20}"
SKIP="${SKIP:-15}"
VIGIL_HEAP="${VIGIL_HEAP:-2g}"
tms="${1:-20}"; duration="${2:-PT60S}"
seconds="${duration#PT}"; seconds="${seconds%S}"
window=$((seconds - SKIP - 3))
(( window > 5 )) || { echo "duration must leave a window after SKIP=$SKIP s" >&2; exit 2; }

ports() { python3 -c "import socket
ss=[socket.socket() for _ in range($1)]
[s.bind(('127.0.0.1',0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])"; }
dir="$(mktemp -d /tmp/rw-cost.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
await() { for _ in $(seq 240); do curl -sf "$1" > /dev/null && return 0; sleep 0.5; done; echo "not ready: $1" >&2; exit 1; }
# utime + stime of a process, in clock ticks
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
metric() { curl -s "$1" | awk -v n="$2" 'index($0, n) == 1 { s += $NF } END { printf "%.0f\n", s }'; }

read -r vmport < <(ports 1)
victoria-metrics -storageDataPath="$dir/vm" -httpListenAddr=127.0.0.1:"$vmport" -retentionPeriod=100y > "$dir/vm.log" 2>&1 &
pids+=($!)
await "http://127.0.0.1:$vmport/health"
cat > "$dir/rw.yml" <<YML
remote_write:
  - url: http://127.0.0.1:$vmport/api/v1/write
    name: vm
${RW_QUEUE:+    queue_config:
$RW_QUEUE}
YML

run() { # $1 = label, $2 = extra Vigil flag (or empty)
  read -r wport pport < <(ports 2)
  rm -rf "$dir/data"
  local opts="${VIGIL_OPTS:-}"; opts="${opts//%s/$1}"
  java -Xmx"$VIGIL_HEAP" $opts -jar "$VIGIL_JAR" --storage.tsdb.path="$dir/data" --web.listen-address=127.0.0.1:"$wport" \
      --push.listen-address=127.0.0.1:"$pport" ${2:+"$2"} > "$dir/vigil-$1.log" 2>&1 &
  local vigil=$!
  pids+=("$vigil")
  await "http://127.0.0.1:$wport/-/ready"
  echo "== $1: $tms TaskManagers, $PUSHERS pushers, $duration ($(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'))"
  java -jar "$BENCH_JAR" flood -n "$tms" -c "$PUSHERS" -d "$duration" --url "http://127.0.0.1:$pport" \
      --progress PT5S > "$dir/flood-$1.out" 2>&1 &
  local flood=$!
  sleep "$SKIP"
  local l0 s0 v0 t0 s1 v1 t1 c0 c1
  l0=$(wc -l < "$dir/flood-$1.out")
  c0="$(ticks "$vigil") $(ticks "$flood") $(ticks "${pids[0]}")"
  python3 "$root/bench/scripts/thread-cpu.py" "$vigil" "$1" > "$dir/threads-$1" &
  local sampler=$!
  s0=$(metric "http://127.0.0.1:$wport/metrics" prometheus_remote_storage_samples_total)
  v0=$(metric "http://127.0.0.1:$vmport/metrics" vm_rows_added_to_storage_total)
  t0=$(date +%s.%N)
  sleep "$window"
  s1=$(metric "http://127.0.0.1:$wport/metrics" prometheus_remote_storage_samples_total)
  v1=$(metric "http://127.0.0.1:$vmport/metrics" vm_rows_added_to_storage_total)
  t1=$(date +%s.%N)
  c1="$(ticks "$vigil") $(ticks "$flood") $(ticks "${pids[0]}")"
  kill -TERM "$sampler"; wait "$sampler" || true
  local steady
  steady=$(tail -n +"$((l0 + 1))" "$dir/flood-$1.out" | grep -o '[0-9.]* samples/s' | awk '{ s += $1; n++ } END { printf "%.0f", n ? s / n : 0 }')
  wait "$flood" || true
  local m lag
  m=$(curl -s "http://127.0.0.1:$wport/metrics")
  lag=$(echo "$m" | awk '/^prometheus_remote_storage_highest_timestamp_in_seconds /{h=$2} /^prometheus_remote_storage_queue_highest_sent_timestamp_seconds/{s=$2} END { if (s) printf "%.1f s", h - s; else print "-" }')
  local shards
  shards=$(echo "$m" | awk '/^prometheus_remote_storage_shards[{ ]/{ s = $NF } /^prometheus_remote_storage_shards_desired[{ ]/{ d = $NF } END { if (s != "") printf "%s (desired %s)", s, d; else print "-" }')
  lag="$lag, shards $shards"
  grep -v '^SENDER_CORES' "$dir/threads-$1" || true
  local sender
  sender=$(awk '/^SENDER_CORES/ { print $2 }' "$dir/threads-$1")
  python3 - "$1" "$steady" "$s0" "$s1" "$v0" "$v1" "$t0" "$t1" "$lag" "$c0" "$c1" "$hz" "${sender:-0}" <<'PY'
import sys
label, steady, s0, s1, v0, v1, t0, t1, lag, c0, c1, hz, sender = sys.argv[1:]
dt = float(t1) - float(t0)
cpu = [(int(b) - int(a)) / float(hz) / dt for a, b in zip(c0.split(), c1.split())]
print(f"CPU {label}: Vigil {cpu[0]:.2f}, flood generator {cpu[1]:.2f}, VictoriaMetrics {cpu[2]:.2f} cores over the window; "
      f"Vigil {cpu[0] * 1e6 / max(float(steady), 1):.2f} us CPU per acknowledged sample")
print(f"RESULT {label}: pushed {float(steady):,.0f} samples/s acknowledged (steady), "
      f"sent {(float(s1) - float(s0)) / dt:,.0f} samples/s, VictoriaMetrics stored {(float(v1) - float(v0)) / dt:,.0f} samples/s "
      f"over {dt:.0f} s; queue lag at the end {lag}")
sent = (float(s1) - float(s0)) / dt
if sent > 0:
    print(f"SENDER {label}: the remote-write threads (WAL reader, shards, HTTP client) used {float(sender):.3f} cores, "
          f"{float(sender) * 1e6 / sent:.2f} us CPU per sample sent; VictoriaMetrics {cpu[2] * 1e6 / sent:.2f} us CPU per sample stored")
PY
  echo "$steady" > "$dir/steady-$1"
  kill "$vigil"; wait "$vigil" 2>/dev/null || true
}

[[ "${ONLY:-}" == with ]] || run without ""
[[ "${ONLY:-}" == without ]] || run with "--config.file=$dir/rw.yml"
[[ -n "${ONLY:-}" ]] && exit 0
python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'RATIO with/without remote write: {b / a:.3f} ({100 * (b / a - 1):+.1f} %)')" \
    "$(cat "$dir/steady-without")" "$(cat "$dir/steady-with")"
