#!/usr/bin/env bash
# Resident memory of Vigil next to the stack it replaces (Pushgateway + Prometheus scraping it every
# 10 s, honor_labels) while the same simulated Flink cluster pushes into both at the reporter's
# interval. Both targets run at the same time on free loopback ports with temporary data folders, so
# they see the same wall time and the same machine load; everything started here is stopped on exit.
# Vigil runs as users run it: `java -jar vigil.jar` with no JVM flags (JAVA_OPTS adds some, to try
# one out). Every SAMPLE_EVERY the script prints VmRSS of each process (and Vigil's anonymous / file /
# shmem split, so mapped chunk files are visible) with the load average; at the end it prints the
# steady state, the median and range of every sample after the first minute: the figures to quote.
#
#   bench/scripts/rss-compare.sh            # TMS=20 (~43,000 series) DURATION=PT5M
#
# Knobs (environment): TMS=20 SLOTS=4 INTERVAL=PT10S DURATION=PT5M SAMPLE_EVERY=30 JAVA_OPTS=
# Binaries: VIGIL_JAR, BENCH_JAR, PROMETHEUS, PUSHGATEWAY (the Debian paths by default).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PUSHGATEWAY="${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}"
TMS="${TMS:-20}"
SLOTS="${SLOTS:-4}"
INTERVAL="${INTERVAL:-PT10S}"
DURATION="${DURATION:-PT5M}"
SAMPLE_EVERY="${SAMPLE_EVERY:-30}"
JAVA_OPTS="${JAVA_OPTS:-}"

for f in "$BENCH_JAR" "$VIGIL_JAR"; do
  [ -f "$f" ] || { echo "missing $f: mvn -q -pl server,bench -am -DskipTests package" >&2; exit 1; }
done
seconds=$(python3 -c "import re,sys; m=re.fullmatch(r'PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?', sys.argv[1]); print(int(m[1] or 0)*3600+int(m[2] or 0)*60+int(m[3] or 0))" "$DURATION")

work="$(mktemp -d /tmp/vigil-rss.XXXXXX)"
source "$(dirname "$0")/lib.sh"
cleanup() {
  stop_pids 10
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---- targets -------------------------------------------------------------------------------------
vport=$(free_port); pport=$(free_port); gport=$(free_port); mport=$(free_port)
mkdir -p "$work/vigil" "$work/prometheus"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$pport" \
  --storage.tsdb.path="$work/vigil" > "$work/vigil.log" 2>&1 &
vpid=$!; pids+=("$vpid")
start_pushgateway_stack "$work" "$gport" "$mport"
wait_http "http://127.0.0.1:$vport/-/ready" || { tail -20 "$work/vigil.log" >&2; exit 1; }
wait_http "http://127.0.0.1:$gport/-/ready"
wait_http "http://127.0.0.1:$mport/-/ready"

# ---- load: the same cluster (same seed) into both, at the same time --------------------------------
# The pushers run a little longer than the measurement so the last sample is taken under load.
push_for="PT$((seconds + 3 * SAMPLE_EVERY))S"
for t in vigil prometheus; do
  url="http://127.0.0.1:$pport"; [ "$t" = prometheus ] && url="http://127.0.0.1:$gport"
  java -XX:+UseSerialGC -Xmx512m -jar "$BENCH_JAR" push -n "$TMS" --slots "$SLOTS" --interval "$INTERVAL" \
    -d "$push_for" --url "$url" --label "$t" --progress PT60S --no-delete-on-exit > "$work/push-$t.log" 2>&1 &
  pids+=("$!")
done

series() { # Prometheus-API base URL -> number of series in the head
  curl -fsS "$1/api/v1/status/tsdb" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["headStats"]["numSeries"])' 2>/dev/null || echo "?"
}

echo "workload: $TMS TaskManagers x $SLOTS slots pushing every $INTERVAL for $DURATION; Vigil: java ${JAVA_OPTS:+$JAVA_OPTS }-jar vigil.jar"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%6s %8s %8s | %9s %8s %8s %8s | %9s %9s %9s %8s | %s\n' t_s v_series p_series \
  vigil_MiB anon file shmem prom_MiB pgw_MiB pgw+prom ratio load
start=$(date +%s)
: > "$work/samples"
while :; do
  sleep "$SAMPLE_EVERY"
  el=$(( $(date +%s) - start ))
  for p in "$vpid" "$gpid" "$mpid"; do kill -0 "$p" 2>/dev/null || { echo "process $p exited" >&2; tail -20 "$work"/*.log >&2; exit 1; }; done
  v=$(status_kb "$vpid" VmRSS); va=$(status_kb "$vpid" RssAnon); vf=$(status_kb "$vpid" RssFile); vs=$(status_kb "$vpid" RssShmem)
  m=$(status_kb "$mpid" VmRSS); g=$(status_kb "$gpid" VmRSS)
  printf '%6d %8s %8s | %9s %8s %8s %8s | %9s %9s %9s %8s | %s\n' "$el" \
    "$(series "http://127.0.0.1:$vport")" "$(series "http://127.0.0.1:$mport")" \
    "$(mib "$v")" "$(mib "$va")" "$(mib "$vf")" "$(mib "$vs")" "$(mib "$m")" "$(mib "$g")" "$(mib $((m + g)))" \
    "$(awk -v a="$v" -v b="$m" 'BEGIN { printf "%.2f", a / b }')" "$(cut -d' ' -f1-3 /proc/loadavg)"
  # After the first minute (series created, first pushes done) every sample counts as steady state.
  [ "$el" -ge 60 ] && echo "$v $m $g $(cut -d' ' -f1 /proc/loadavg)" >> "$work/samples"
  [ "$el" -ge "$seconds" ] && break
done
echo
python3 - "$work/samples" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
if rows:
    def col(i): return [r[i] / 1024 for r in rows]
    def fmt(xs): return "median %.0f MiB (%.0f-%.0f)" % (statistics.median(xs), min(xs), max(xs))
    v, m = col(0), col(1)
    s = [a + b for a, b in zip(col(1), col(2))]
    ratio = [a / b for a, b in zip(v, m)]
    print("steady state, %d samples after the first minute:" % len(rows))
    print("  vigil            " + fmt(v))
    print("  prometheus       " + fmt(m))
    print("  pgw+prometheus   " + fmt(s))
    print("  vigil/prometheus median %.2f (%.2f-%.2f); load average (1 min) median %.1f"
          % (statistics.median(ratio), min(ratio), max(ratio), statistics.median([r[3] for r in rows])))
PY

echo
echo "Vigil's JVM at the end:"
if command -v jcmd > /dev/null; then
  jcmd "$vpid" GC.heap_info 2>/dev/null | sed -n '2,4p' | sed 's/^/  /'
  jcmd "$vpid" VM.flags 2>/dev/null | tr ' ' '\n' | grep -E 'MaxHeapSize|InitialHeapSize|UseG1GC|G1PeriodicGCInterval|SoftMaxHeapSize' | sed 's/^/  /'
fi
echo "  mapped files resident (kB): $(awk '/^[0-9a-f]+-/ {f=$6} /^Rss:/ && f ~ /\// {s+=$2} END {print s+0}' "/proc/$vpid/smaps")"
for t in vigil prometheus; do grep -E '^RESULT|error' "$work/push-$t.log" | tail -2 | sed "s/^/  $t push: /" || true; done
echo "(ratio = Vigil VmRSS / Prometheus VmRSS; the stack Vigil replaces is pgw+prom)"
