#!/usr/bin/env bash
# What remote write out costs the push path: the 20-TaskManager push flood (`vigil-bench flood`,
# as bench/scripts/push-compare.sh runs it) against a fresh Vigil without remote write, then
# against a fresh Vigil that remote-writes everything to a receiver, in one run. Receivers
# (RECEIVER, comma-separated, each compared with the one run without): `vm`, a local
# VictoriaMetrics 1.79 (the real receiver, but on the same 2 cores as Vigil and the flood, where
# its CPU per sample caps the ratio); `sink`, `vigil-bench sink` (snappy-decodes and counts every
# sample, answers 204, stores nothing: the cheapest receiver that still proves delivery, standing
# in for a receiver on another machine).
# Prints both acknowledged throughputs (steady window), their ratio, the samples/s Vigil sent
# (prometheus_remote_storage_samples_total) and the samples/s the receiver took
# (vm_rows_added_to_storage_total, sink_samples_total) over the same window, how far the queue
# lags at the end, and the CPU seconds per second each process (Vigil, the flood generator, the
# receiver) used over the window (from /proc) with Vigil's CPU per acknowledged sample and the
# sender threads' CPU per sample sent.
#
#   [RECEIVER=vm|sink|vm,sink] bench/scripts/remote-write-cost.sh [TaskManagers=20] [duration=PT60S]
#
# Knobs (environment): RECEIVER=vm, PUSHERS=20, SKIP=15 (seconds before the steady window),
# VIGIL_HEAP=2g, VIGIL_JAR, BENCH_JAR, VIGIL_OPTS (extra JVM options, e.g. an async-profiler
# -agentpath whose file name may hold %s for the run's label), RW_QUEUE (extra queue_config lines,
# YAML, indented by 6), ONLY=with|without (run one side). `vm` needs victoria-metrics
# (bench/scripts/install-references.sh).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PUSHERS="${PUSHERS:-20}"
SKIP="${SKIP:-15}"
VIGIL_HEAP="${VIGIL_HEAP:-2g}"
RECEIVER="${RECEIVER:-vm}"
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

# Receivers, started once: rx_pid[name], rx_url[name] (remote write), rx_metrics[name] + rx_counter[name] (samples taken).
declare -A rx_pid rx_url rx_metrics rx_counter
IFS=, read -r -a receivers <<< "$RECEIVER"
for r in "${receivers[@]}"; do
  read -r rport < <(ports 1)
  case "$r" in
    vm)
      victoria-metrics -storageDataPath="$dir/vm" -httpListenAddr=127.0.0.1:"$rport" -retentionPeriod=100y > "$dir/vm.log" 2>&1 &
      rx_pid[vm]=$!; rx_counter[vm]=vm_rows_added_to_storage_total; await "http://127.0.0.1:$rport/health" ;;
    sink)
      java -Xmx256m -XX:+UseSerialGC -jar "$BENCH_JAR" sink --listen 127.0.0.1:"$rport" > "$dir/sink.log" 2>&1 &
      rx_pid[sink]=$!; rx_counter[sink]=sink_samples_total; await "http://127.0.0.1:$rport/health" ;;
    *) echo "RECEIVER: vm or sink, comma-separated; not $r" >&2; exit 2 ;;
  esac
  pids+=("${rx_pid[$r]}")
  rx_url[$r]="http://127.0.0.1:$rport/api/v1/write"
  rx_metrics[$r]="http://127.0.0.1:$rport/metrics"
  cat > "$dir/rw-$r.yml" <<YML
remote_write:
  - url: ${rx_url[$r]}
    name: $r
${RW_QUEUE:+    queue_config:
$RW_QUEUE}
YML
done
rx_names() { case "$1" in vm) echo VictoriaMetrics ;; sink) echo "the sink" ;; *) echo "no receiver" ;; esac; }

run() { # $1 = label, $2 = receiver (vm, sink or empty), $3 = extra Vigil flag (or empty)
  read -r wport pport < <(ports 2)
  rm -rf "$dir/data"
  local opts="${VIGIL_OPTS:-}"; opts="${opts//%s/$1}"
  java -Xmx"$VIGIL_HEAP" $opts -jar "$VIGIL_JAR" --storage.tsdb.path="$dir/data" --web.listen-address=127.0.0.1:"$wport" \
      --push.listen-address=127.0.0.1:"$pport" ${3:+"$3"} > "$dir/vigil-$1.log" 2>&1 &
  local vigil=$!
  pids+=("$vigil")
  await "http://127.0.0.1:$wport/-/ready"
  echo "== $1: $tms TaskManagers, $PUSHERS pushers, $duration ($(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'))"
  java -jar "$BENCH_JAR" flood -n "$tms" -c "$PUSHERS" -d "$duration" --url "http://127.0.0.1:$pport" \
      --progress PT5S > "$dir/flood-$1.out" 2>&1 &
  local flood=$!
  sleep "$SKIP"
  local l0 s0 v0 t0 s1 v1 t1 c0 c1 rx="$2" rxpid=0 rxm=""
  [[ -n "$rx" ]] && { rxpid=${rx_pid[$rx]}; rxm=${rx_metrics[$rx]}; }
  l0=$(wc -l < "$dir/flood-$1.out")
  c0="$(ticks "$vigil") $(ticks "$flood") $(ticks "$rxpid")"
  python3 "$root/bench/scripts/thread-cpu.py" "$vigil" "$1" > "$dir/threads-$1" &
  local sampler=$!
  s0=$(metric "http://127.0.0.1:$wport/metrics" prometheus_remote_storage_samples_total)
  v0=0; [[ -n "$rx" ]] && v0=$(metric "$rxm" "${rx_counter[$rx]}")
  t0=$(date +%s.%N)
  sleep "$window"
  s1=$(metric "http://127.0.0.1:$wport/metrics" prometheus_remote_storage_samples_total)
  v1=0; [[ -n "$rx" ]] && v1=$(metric "$rxm" "${rx_counter[$rx]}")
  t1=$(date +%s.%N)
  c1="$(ticks "$vigil") $(ticks "$flood") $(ticks "$rxpid")"
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
  python3 - "$1" "$steady" "$s0" "$s1" "$v0" "$v1" "$t0" "$t1" "$lag" "$c0" "$c1" "$hz" "${sender:-0}" "$(rx_names "$rx")" <<'PY'
import sys
label, steady, s0, s1, v0, v1, t0, t1, lag, c0, c1, hz, sender, rxname = sys.argv[1:]
Rx = rxname[0].upper() + rxname[1:]
dt = float(t1) - float(t0)
cpu = [(int(b) - int(a)) / float(hz) / dt for a, b in zip(c0.split(), c1.split())]
print(f"CPU {label}: Vigil {cpu[0]:.2f}, flood generator {cpu[1]:.2f}, {rxname} {cpu[2]:.2f} cores over the window; "
      f"Vigil {cpu[0] * 1e6 / max(float(steady), 1):.2f} us CPU per acknowledged sample")
print(f"RESULT {label}: pushed {float(steady):,.0f} samples/s acknowledged (steady), "
      f"sent {(float(s1) - float(s0)) / dt:,.0f} samples/s, {rxname} took {(float(v1) - float(v0)) / dt:,.0f} samples/s "
      f"over {dt:.0f} s; queue lag at the end {lag}")
sent = (float(s1) - float(s0)) / dt
if sent > 0:
    print(f"SENDER {label}: the remote-write threads (WAL reader, shards, HTTP client) used {float(sender):.3f} cores, "
          f"{float(sender) * 1e6 / sent:.2f} us CPU per sample sent; {rxname} {cpu[2] * 1e6 / sent:.2f} us CPU per sample taken")
PY
  echo "$steady" > "$dir/steady-$1"
  kill "$vigil"; wait "$vigil" 2>/dev/null || true
}

[[ "${ONLY:-}" == with ]] || run without "" ""
[[ "${ONLY:-}" == without ]] || for r in "${receivers[@]}"; do run "with-$r" "$r" "--config.file=$dir/rw-$r.yml"; done
[[ -n "${ONLY:-}" ]] && exit 0
for r in "${receivers[@]}"; do
  python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'RATIO with/without remote write, receiver {sys.argv[3]}: {b / a:.3f} ({100 * (b / a - 1):+.1f} %)')" \
      "$(cat "$dir/steady-without")" "$(cat "$dir/steady-with-$r")" "$(rx_names "$r")"
done
