#!/usr/bin/env bash
# A quick look at what rollups save a long range query: imports 5 days of 50 counters and 50
# gauges (30 s apart) ending 48 h ago, restarts so the maintenance round rolls them up, then
# times four range queries (step 1 h) with max_source_resolution=raw and auto (best of 5), and
# prints the worst relative difference of sum(rate[1h]) between the two.
# Usage: bench/scripts/rollup-query-check.sh   (needs server/target/vigil.jar)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/scripts/lib.sh
require_jars server/target/vigil.jar
work=$(mktemp -d)
trap 'stop_pids; rm -rf "$work"' EXIT
port=$(free_port)
read -r S E < <(python3 - "$work/data.txt" <<'PY'
import random, sys, time
H = 3_600_000
end = (int(time.time() * 1000) // H - 48) * H
start = end - 5 * 24 * H
random.seed(1)
c = [0] * 50
with open(sys.argv[1], "w") as out:
    for t in range(start + 7000, end, 30000):
        for i in range(50):
            c[i] += random.randint(0, 20)
            out.write('flink_taskmanager_job_task_numRecordsIn{task="t%d"} %d %d\n' % (i, c[i], t))
            out.write('flink_taskmanager_job_task_busyTimeMsPerSecond{task="t%d"} %d %d\n' % (i, random.randint(0, 1000), t))
print(start // 1000, end // 1000)
PY
)
start_vigil() {
  java -jar server/target/vigil.jar --web.listen-address=127.0.0.1:$port --push.listen-address= \
    --storage.tsdb.path="$work/data" >>"$work/vigil.log" 2>&1 &
  pids=($!)
  wait_http "http://127.0.0.1:$port/-/ready" 300
}
start_vigil
curl -fsS --data-binary @"$work/data.txt" "http://127.0.0.1:$port/api/v1/import/prometheus"
stop_pids
start_vigil
echo "rollup blocks: $(ls "$work/data/downsample/5m" | wc -l) at 5m, $(ls "$work/data/downsample/1h" | wc -l) at 1h; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
query() { curl -fsS -o "$work/out.json" -w "%{time_total}" --data-urlencode "query=$1" \
  "http://127.0.0.1:$port/api/v1/query_range?start=$S&end=$E&step=3600&max_source_resolution=$2"; }
for q in 'sum(rate(flink_taskmanager_job_task_numRecordsIn[1h]))' \
    'max_over_time(flink_taskmanager_job_task_busyTimeMsPerSecond[1h])' \
    'avg_over_time(flink_taskmanager_job_task_busyTimeMsPerSecond[1h])' 'flink_taskmanager_job_task_busyTimeMsPerSecond'; do
  for r in raw auto; do
    best=$(for _ in 1 2 3 4 5; do query "$q" "$r"; echo; done | sort -n | head -1)
    echo "$r ${best}s $q"
  done
done
q='sum(rate(flink_taskmanager_job_task_numRecordsIn[1h]))'
query "$q" raw >/dev/null; cp "$work/out.json" "$work/raw.json"; query "$q" auto >/dev/null
python3 - "$work/raw.json" "$work/out.json" <<'PY'
import json, sys
a = dict((t, float(v)) for t, v in json.load(open(sys.argv[1]))["data"]["result"][0]["values"])
b = json.load(open(sys.argv[2]))["data"]["result"][0]["values"]
print("sum(rate[1h]) auto vs raw: worst relative difference %.4f over %d steps" % (max(abs(float(v) - a[t]) / a[t] for t, v in b), len(b)))
PY
