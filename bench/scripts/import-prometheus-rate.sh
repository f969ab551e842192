#!/usr/bin/env bash
# The rate of `vigil.jar tsdb import-prometheus` on Prometheus blocks made by the real promtool from Flink-shaped
# history: SERIES series (counters and gauges of TaskManagers, job "flink") at 15 s over HOURS hours, ending 3 h ago.
# With VM_PORT set, VictoriaMetrics 1.79's own migration (`vmctl prometheus --prom-snapshot`) of the same blocks into
# a victoria-metrics started on 127.0.0.1:VM_PORT is timed after it.
# Usage: [VM_PORT=26100] bench/scripts/import-prometheus-rate.sh [SERIES] [HOURS]   (needs server/target/vigil.jar, promtool)
set -euo pipefail
SERIES=${1:-4000}
HOURS=${2:-12}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/server/target/vigil.jar}
WORK=$(mktemp -d)
VM_PID=
trap '[ -n "$VM_PID" ] && kill "$VM_PID"; rm -rf "$WORK"' EXIT
python3 - "$SERIES" "$HOURS" > "$WORK/history.om" <<'PY'
import sys, time, random
series, hours = int(sys.argv[1]), int(sys.argv[2])
end = (int(time.time()) - 3 * 3600) // 15 * 15
start = end - hours * 3600
random.seed(7)
out = sys.stdout
out.write("# TYPE flink_taskmanager_job_task_numRecordsIn counter\n")
for s in range(series):
    tm, task = s % 16, s // 16
    labels = 'job="flink",instance="tm-%d:9249",task_name="op_%d",subtask_index="%d"' % (tm, task % 40, task)
    v = random.random() * 1000
    step = random.randint(1, 500)
    lines = []
    for t in range(start, end, 15):
        v += step
        lines.append('flink_taskmanager_job_task_numRecordsIn{%s} %d %d\n' % (labels, v, t))
    out.write("".join(lines))
out.write("# EOF\n")
PY
promtool tsdb create-blocks-from openmetrics "$WORK/history.om" "$WORK/prom" > /dev/null
rm "$WORK/history.om"
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg); $SERIES series x ${HOURS} h at 15 s; blocks: $(du -sh "$WORK/prom" | cut -f1)"
java -jar "$JAR" tsdb import-prometheus "$WORK/prom" "$WORK/vigil" 2>&1 | grep -v '^block '
if [ -n "${VM_PORT:-}" ]; then
  victoria-metrics -httpListenAddr=127.0.0.1:$VM_PORT -storageDataPath="$WORK/vm" -retentionPeriod=100y > "$WORK/vm.log" 2>&1 &
  VM_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$VM_PORT/health" > /dev/null && break; sleep 0.2; done
  T0=$(date +%s.%N)
  # vmctl wants a terminal even when silent: give it one.
  script -qec "vmctl prometheus --vm-disable-progress-bar --prom-snapshot $WORK/prom --vm-addr http://127.0.0.1:$VM_PORT -s" \
    /dev/null > "$WORK/vmctl.log" 2>&1
  T1=$(date +%s.%N)
  curl -s "http://127.0.0.1:$VM_PORT/internal/force_flush" > /dev/null
  echo "vmctl prometheus: $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f s", b-a}'); its summary:"
  grep -E "samples|Total time" "$WORK/vmctl.log" | tail -4
fi
