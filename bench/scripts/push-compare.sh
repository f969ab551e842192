#!/usr/bin/env bash
# Acknowledged push / import / remote-write throughput of one target under `vigil-bench flood`,
# with the target's and the generator's CPU over a steady window (the figures in
# docs/PERFORMANCE-push.md). The target starts fresh on free loopback ports with a temporary data
# folder and is stopped at the end. Run the targets one after the other in one session so they see
# the same machine; quote "CPU per sample" next to throughput when the load average is not ~0.
#
#   bench/scripts/push-compare.sh vigil 20 PT45S                 # Vigil, 20 TaskManagers, PUT
#   bench/scripts/push-compare.sh pg 20 PT45S                    # the Debian gateway
#   bench/scripts/push-compare.sh vm 20 PT45S --import-path /api/v1/import/prometheus
#   bench/scripts/push-compare.sh prom 20 PT45S --remote-write /api/v1/write
#
# Targets: vigil | pg | vm | prom. Extra arguments go to `flood`. Knobs (environment):
# PUSHERS=20 (flood -c), SKIP=10 (seconds before the steady window), VIGIL_HEAP=2g,
# VIGIL_JAR, BENCH_JAR, VIGIL_JVM_ARGS (JVM options for Vigil, e.g. a profiler's -agentpath); for
# a secured Vigil (push-tls-compare.sh sets them): VIGIL_ARGS (more server flags), SCHEME=https,
# CURL_ARGS (e.g. "-k -u reader:pw" for the ready check and /metrics). STRACE=10 counts the
# server's syscalls for that many seconds from the start of the window (`strace -c -f`; it slows
# every syscall, so read the counts per sample, not the throughput).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PUSHERS="${PUSHERS:-20}"
SKIP="${SKIP:-10}"
VIGIL_HEAP="${VIGIL_HEAP:-2g}"
VIGIL_ARGS="${VIGIL_ARGS:-}"
VIGIL_JVM_ARGS="${VIGIL_JVM_ARGS:-}"
SCHEME="${SCHEME:-http}"
CURL_ARGS="${CURL_ARGS:-}"
target="$1"; tms="$2"; duration="$3"; shift 3
seconds="${duration#PT}"; seconds="${seconds%S}"
window=$((seconds - SKIP - 2))
(( window > 5 )) || { echo "duration must leave a window after SKIP=$SKIP s (use PT<seconds>S)" >&2; exit 2; }

read -r wport pport < <(python3 -c "import socket
ss=[socket.socket() for _ in range(2)]
[s.bind(('127.0.0.1',0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])")
dir="$(mktemp -d /tmp/push-compare.XXXXXX)"
case "$target" in
  vigil) java -Xmx"$VIGIL_HEAP" $VIGIL_JVM_ARGS -jar "$VIGIL_JAR" --storage.tsdb.path="$dir/data" --web.listen-address=127.0.0.1:"$wport" \
             --push.listen-address=127.0.0.1:"$pport" $VIGIL_ARGS > "$dir/log" 2>&1 &
         ready="$SCHEME://127.0.0.1:$wport/-/ready" ;;
  pg)    prometheus-pushgateway --persistence.file="$dir/pg.data" --web.listen-address=127.0.0.1:"$pport" > "$dir/log" 2>&1 &
         ready="http://127.0.0.1:$pport/-/ready" ;;
  vm)    victoria-metrics -storageDataPath="$dir/data" -httpListenAddr=127.0.0.1:"$pport" > "$dir/log" 2>&1 &
         ready="http://127.0.0.1:$pport/health" ;;
  prom)  printf 'global:\n  scrape_interval: 15s\n' > "$dir/prometheus.yml"
         prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" --web.listen-address=127.0.0.1:"$pport" \
             --web.enable-remote-write-receiver > "$dir/log" 2>&1 &
         ready="http://127.0.0.1:$pport/-/ready" ;;
  *) echo "unknown target $target (vigil | pg | vm | prom)" >&2; exit 2 ;;
esac
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 120); do
  curl -sf $CURL_ARGS "$ready" > /dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "$target did not start:"; tail -5 "$dir/log"; exit 1; }
  sleep 0.5
done
echo "== $target, $tms TaskManagers, $PUSHERS pushers, $duration $* ($(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'))"
java -jar "$BENCH_JAR" flood -n "$tms" -c "$PUSHERS" -d "$duration" --url "$SCHEME://127.0.0.1:$pport" --pid "$server" \
    --data-dir "$dir" --progress PT5S "$@" > "$dir/flood.out" 2>&1 &
flood=$!
sleep "$SKIP"
if [ -n "${STRACE:-}" ]; then
  timeout -s INT "$STRACE" strace -c -f -p "$server" -o "$dir/strace.txt" 2>/dev/null &
fi
python3 - "$server" "$flood" "$window" "$dir/flood.out" <<'PY'
import collections, os, re, sys, time
server, flood, window, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
def ticks(pid):
    return sum(int(x) for x in open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[11:13])
def threads(pid):
    d = {}
    for t in os.listdir(f'/proc/{pid}/task'):
        try:
            name = re.sub(r'[#\-]?\d+$', '', open(f'/proc/{pid}/task/{t}/comm').read().strip())
            d[t] = (name, ticks(f'{pid}/task/{t}'))
        except OSError:
            pass
    return d
hz = os.sysconf('SC_CLK_TCK')
lines0 = len(open(out).read().splitlines())
s0, g0, t0, w0 = ticks(server), ticks(flood), threads(server), time.time()
time.sleep(window)
s1, g1, t1, w1 = ticks(server), ticks(flood), threads(server), time.time()
load = open('/proc/loadavg').read().split()[:3]
dt = w1 - w0
rates = [float(m.group(1)) for l in open(out).read().splitlines()[lines0:]
         for m in [re.search(r'([\d.]+) samples/s', l)] if m]
steady = sum(rates) / len(rates) if rates else 0.0
scpu = (s1 - s0) / hz / dt
gcpu = (g1 - g0) / hz / dt
print(f"STEADY {dt:.0f} s: {steady:,.0f} samples/s (mean of {len(rates)} progress lines), server CPU {100*scpu:.0f} %, "
      f"generator CPU {100*gcpu:.0f} %, server CPU per sample {1e6*scpu/steady if steady else 0:.2f} us, load {' '.join(load)}")
by = collections.Counter()
for t, (n, c) in t1.items():
    by[n] += c - t0.get(t, (n, 0))[1]
print("  server threads: " + ", ".join(f"{n} {100*c/hz/dt:.0f} %" for n, c in by.most_common(5)))
PY
wait "$flood" || true
if [ -f "$dir/strace.txt" ]; then
  grep -E ' (read|write|futex|epoll_wait)$' "$dir/strace.txt" | sed 's/^/STRACE /'
fi
grep "^RESULT\|^first" "$dir/flood.out" || tail -5 "$dir/flood.out"
if [ "$target" = vigil ]; then
  curl -s $CURL_ARGS "$SCHEME://127.0.0.1:$wport/metrics" | grep -E 'wal_fsync_duration_seconds\{quantile="0.5"|wal_commits_total |wal_fsyncs_total ' || true
fi
