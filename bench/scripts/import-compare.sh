#!/usr/bin/env bash
# HTTP import (`POST /api/v1/import/prometheus`), Vigil vs VictoriaMetrics 1.79, same bodies, one run.
#
#   bench/scripts/import-compare.sh
#
# Bodies: `vigil-bench backfill --text` of TMS TaskManagers (default 4, 8,657 series) over HOURS
# (24) at INTERVAL (PT60S), ending at the last UTC midnight: 12.5 M samples, 5.4 GB at the
# defaults. Made once and kept in BODY_DIR (/var/tmp/vigil-import-bodies; a body for another
# end or shape is removed, so the folder holds one set). Shapes (SHAPES, default all three):
#   series    one request; the lines stably sorted by series, so every series after the first
#             starts a day behind the newest stored sample (a dump laid out series after series)
#   time      one request; the body as generated, every series' sample of a minute together
#   requests  the same history POSTed by `vigil-bench backfill --url` in ~4 MB requests (1,440
#             at the defaults), time-ordered, the client rendering as it sends (its own CPU counts)
# Every run starts a fresh store on 127.0.0.1 with an empty data folder (Vigil with
# VIGIL_JAVA_OPTS, default -Xmx2g; VictoriaMetrics with -retentionPeriod=100y), times the import
# from the first byte to the answer, and stops the store. RUNS (1) rounds, the targets alternating.
# Prints per run: seconds, samples/s, server CPU seconds; then per shape Vigil / VictoriaMetrics
# (ratio of median samples/s, > 1 is Vigil faster). VERIFY=1 also counts the stored samples.
# PROFILER=<libasyncProfiler.so> profiles Vigil's runs (collapsed stacks in OUT, default /tmp).
# TARGETS (default "vigil victoria") may add "vigil-base": Vigil from BASE_JAR, for a before/after.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
BASE_JAR="${BASE_JAR:-}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
VICTORIA="${VICTORIA:-/usr/bin/victoria-metrics}"
VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:--Xmx2g}"
TMS="${TMS:-4}"
HOURS="${HOURS:-24}"
INTERVAL="${INTERVAL:-PT60S}"
SHAPES="${SHAPES:-series time requests}"
TARGETS="${TARGETS:-vigil victoria}"
RUNS="${RUNS:-1}"
VERIFY="${VERIFY:-0}"
PROFILER="${PROFILER:-}"
OUT="${OUT:-/tmp}"
BODY_DIR="${BODY_DIR:-/var/tmp/vigil-import-bodies}"

source "$(dirname "$0")/lib.sh"
require_jars "$BENCH_JAR" "$VIGIL_JAR"
[ -x "$VICTORIA" ] || [[ " $TARGETS " != *" victoria "* ]] || { echo "missing $VICTORIA (bench/scripts/install-references.sh)" >&2; exit 1; }
work="$(mktemp -d /tmp/vigil-import-cmp.XXXXXX)"
cleanup() { stop_pids 30; rm -rf "$work"; }
trap cleanup EXIT INT TERM

bench() { java -XX:+UseParallelGC -Xmx1g -jar "$BENCH_JAR" "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# The bodies: one per shape, made once for this end.
end=$(( $(date +%s) / 86400 * 86400 ))
key="${TMS}tm-${HOURS}h-${INTERVAL}-${end}"
mkdir -p "$BODY_DIR"
time_body="$BODY_DIR/time-$key.txt"
series_body="$BODY_DIR/series-$key.txt"
find "$BODY_DIR" -maxdepth 1 -name '*.txt' ! -name "*-$key.txt" -delete
if [ ! -s "$time_body.samples" ]; then
  echo "== making $time_body, load $(load)"
  bench backfill -n "$TMS" --hours "$HOURS" --interval "$INTERVAL" --end "$end" --text "$time_body.tmp" | tail -1
  mv "$time_body.tmp" "$time_body"
  grep -vc '^#' "$time_body" > "$time_body.samples"
fi
if [[ " $SHAPES " == *" series "* ]] && [ ! -s "$series_body.samples" ]; then
  echo "== making $series_body (stable sort by series), load $(load)"
  # Every line has a label block, so the key up to '}' is the series.
  grep -v '^#' "$time_body" | LC_ALL=C sort -s -t'}' -k1,1 -S 2G -T "$BODY_DIR" > "$series_body.tmp"
  mv "$series_body.tmp" "$series_body"
  grep -c . "$series_body" > "$series_body.samples"
fi
samples=$(cat "$time_body.samples")
echo "# $(date -u +%FT%TZ) load $(load); $(nproc) cores; $TMS TaskManagers, $HOURS h at $INTERVAL ending $(date -u -d "@$end" +%FT%TZ): $samples samples, $(du -h "$time_body" | cut -f1) per body"

start_target() { # target: sets port and pid, data in $work/$1
  port=$(free_port)
  rm -rf "${work:?}/$1"
  if [[ "$1" == vigil* ]]; then
    local agent=() jar="$VIGIL_JAR"
    [ "$1" = vigil-base ] && jar="$BASE_JAR"
    if [ -n "$PROFILER" ]; then
      agent=("-agentpath:$PROFILER=start,event=itimer,interval=2ms,collapsed,file=$OUT/import-$1-$shape-$run.collapsed")
    fi
    # shellcheck disable=SC2086
    java "${agent[@]}" $VIGIL_JAVA_OPTS -jar "$jar" --web.listen-address="127.0.0.1:$port" \
      --push.listen-address="127.0.0.1:$(free_port)" --storage.tsdb.path="$work/$1" > "$work/$1.log" 2>&1 &
    pid=$!; pids+=("$pid")
    wait_http "http://127.0.0.1:$port/-/ready" 120
  else
    "$VICTORIA" -httpListenAddr="127.0.0.1:$port" -storageDataPath="$work/victoria" -retentionPeriod=100y \
      -search.latencyOffset=0s -search.disableCache > "$work/victoria.log" 2>&1 &
    pid=$!; pids+=("$pid")
    wait_http "http://127.0.0.1:$port/health" 120
  fi
}
stop_target() {
  kill "$pid"; for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -rf "${work:?}/$1"
}
stored() { # target: the samples the store answers for the body's range
  [ "$1" = victoria ] && curl -fsS "http://127.0.0.1:$port/internal/force_flush" > /dev/null
  curl -sS "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=sum(count_over_time({__name__=~\".+\"}[$((HOURS + 1))h]))" \
    --data-urlencode "time=$end" | python3 -c 'import json,sys
try:
    r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)
except Exception:
    print("?")'
}

results="$work/results"
: > "$results"
for run in $(seq 1 "$RUNS"); do
  for shape in $SHAPES; do
    for t in $TARGETS; do
      start_target "$t"
      l0=$(load); c0=$(cpu_ticks "$pid"); t0=$(date +%s%N)
      if [ "$shape" = requests ]; then
        bench backfill -n "$TMS" --hours "$HOURS" --interval "$INTERVAL" --end "$end" --url "http://127.0.0.1:$port" > "$work/req.log" \
          || { tail -3 "$work/req.log"; exit 1; }
        code=$(grep -q 'errors=0' "$work/req.log" && echo 204 || echo errors)
      else
        body="$time_body"; [ "$shape" = series ] && body="$series_body"
        code=$(curl -sS -o "$work/answer" -w '%{http_code}' -X POST -H 'Content-Type: text/plain; version=0.0.4' \
          -T "$body" "http://127.0.0.1:$port/api/v1/import/prometheus")
      fi
      t1=$(date +%s%N); c1=$(cpu_ticks "$pid")
      [[ "$code" == 2* ]] || { echo "$t $shape answered $code: $(head -c 300 "$work/answer" 2>/dev/null)" >&2; exit 1; }
      check=""
      [ "$VERIFY" = 1 ] && check=" stored=$(stored "$t")"
      ms=$(( (t1 - t0) / 1000000 ))
      sps=$(( samples * 1000 / (ms > 0 ? ms : 1) ))
      cpu=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", c / hz}')
      echo "$(date -u +%T) run $run $shape $t: $(awk -v m="$ms" 'BEGIN {printf "%.2f", m / 1000}') s, $sps samples/s, server CPU $cpu s, load $l0 -> $(load)$check"
      echo "$shape $t $sps" >> "$results"
      stop_target "$t"
    done
  done
done

echo "# median samples/s per shape (Vigil / VictoriaMetrics), $(date -u +%FT%TZ), load $(load)"
for shape in $SHAPES; do
  med() { { grep "^$shape $1 " "$results" || true; } | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR + 1) / 2)]; else print 0}'; }
  v=$(med vigil); m=$(med victoria)
  b=$(med vigil-base)
  if [ "$b" != 0 ]; then
    echo "$shape: vigil-base $b, victoria $m, ratio $(awk -v a="$b" -v b="$m" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}')"
  fi
  echo "$shape: vigil $v, victoria $m, ratio $(awk -v a="$v" -v b="$m" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}')"
done
