#!/usr/bin/env bash
# Rule evaluation cost of Vigil next to Prometheus 2.42 for the same rules over the same data: the
# issue-12 figure. The same simulated Flink cluster (20 TaskManagers, ~43,000 series, same seed)
# pushes into Vigil and into a Pushgateway that Prometheus scrapes every 10 s (honor_labels); both
# run at once on free loopback ports, so they see the same wall time and machine load.
#
# Phase 1 (BASE): no rules, to measure each process's CPU for ingestion alone.
# Then the same 1,000 Flink-shaped rules (10 groups x 50 recording + 50 alerting, every 15 s; a
# fifth of the alerts fire, pending, once per Flink job) are written for both and both reload
# (POST /-/reload). Phase 2 (RULES, after WARMUP): CPU again, and every 15 s each one's
# prometheus_rule_group_last_duration_seconds. CPU is user + system ticks from /proc/PID/stat,
# the same source as each process's process_cpu_seconds_total.
#
# Printed: per evaluation round (15 s), the CPU the rules cost = (phase-2 CPU rate - phase-1 CPU
# rate) x 15 s, that as a share of one core, and the summed / slowest group duration (median).
# Vigil also counts the CPU its evaluating threads spend per group (vigil_rule_group_cpu_seconds_total),
# which a busy machine does not inflate; the process-CPU difference is only meaningful when the
# machine has idle CPU (on a saturated machine each process gets its share whatever it wants).
#
#   bench/scripts/rules-compare.sh         # TMS=20 BASE=120 WARMUP=45 RULES=180
#
# Binaries: VIGIL_JAR, BENCH_JAR, PROMETHEUS, PUSHGATEWAY (Debian paths by default). JAVA_OPTS adds
# JVM flags to Vigil (e.g. a JFR recording).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/bench/scripts/install-references.sh"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/vigil-bench.jar}"
VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PUSHGATEWAY="${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}"
TMS="${TMS:-20}"
BASE="${BASE:-120}"
WARMUP="${WARMUP:-45}"
RULES="${RULES:-180}"
JAVA_OPTS="${JAVA_OPTS:-}"

for f in "$BENCH_JAR" "$VIGIL_JAR"; do
  [ -f "$f" ] || { echo "missing $f: mvn -q -pl server,bench -am -DskipTests package" >&2; exit 1; }
done
work="$(mktemp -d /tmp/vigil-rules.XXXXXX)"
source "$(dirname "$0")/lib.sh"
cleanup() {
  stop_pids 10
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

vport=$(free_port); pport=$(free_port); gport=$(free_port); mport=$(free_port)
mkdir -p "$work/vigil/rules" "$work/prometheus/rules"
cat > "$work/vigil/vigil.yml" <<CONF
global:
  evaluation_interval: 15s
rule_files: ['rules/*.yml']
CONF
cat > "$work/prometheus/prometheus.yml" <<CONF
global:
  scrape_interval: 10s
  evaluation_interval: 15s
rule_files: ['rules/*.yml']
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$gport']
CONF
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$VIGIL_JAR" --web.listen-address="127.0.0.1:$vport" --push.listen-address="127.0.0.1:$pport" \
  --storage.tsdb.path="$work/vigil/data" --config.file="$work/vigil/vigil.yml" --web.enable-lifecycle > "$work/vigil.log" 2>&1 &
vpid=$!; pids+=("$vpid")
"$PUSHGATEWAY" --web.listen-address="127.0.0.1:$gport" --persistence.file= > "$work/pushgateway.log" 2>&1 &
gpid=$!; pids+=("$gpid")
"$PROMETHEUS" --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
  --web.listen-address="127.0.0.1:$mport" --web.enable-lifecycle > "$work/prometheus.log" 2>&1 &
mpid=$!; pids+=("$mpid")
wait_http "http://127.0.0.1:$vport/-/ready" || { tail -20 "$work/vigil.log" >&2; exit 1; }
wait_http "http://127.0.0.1:$gport/-/ready"
wait_http "http://127.0.0.1:$mport/-/ready"

total=$((BASE + WARMUP + RULES + 120))
for t in vigil prometheus; do
  url="http://127.0.0.1:$pport"; [ "$t" = prometheus ] && url="http://127.0.0.1:$gport"
  java -XX:+UseSerialGC -Xmx512m -jar "$BENCH_JAR" push -n "$TMS" --interval PT10S \
    -d "PT${total}S" --url "$url" --label "$t" --progress PT60S --no-delete-on-exit > "$work/push-$t.log" 2>&1 &
  pids+=("$!")
done

echo "workload: $TMS TaskManagers pushing every 10 s; phases: ${BASE}s without rules, ${WARMUP}s warm-up, ${RULES}s with 1,000 rules"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), start $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
tck=$(getconf CLK_TCK)
sleep 45   # the first pushes and scrapes; series created
v0=$(cpu_ticks "$vpid"); m0=$(cpu_ticks "$mpid"); t0=$(date +%s.%N)
sleep "$BASE"
v1=$(cpu_ticks "$vpid"); m1=$(cpu_ticks "$mpid"); t1=$(date +%s.%N)
load1=$(cut -d' ' -f1 /proc/loadavg)

# ---- the rules, from the metric names Vigil now holds (the same cluster pushes to both) -----------
curl -fsS "http://127.0.0.1:$vport/api/v1/label/__name__/values" > "$work/names.json"
python3 - "$work/names.json" "$work/rules.yml" <<'PY'
import json, sys
names = sorted(n for n in json.load(open(sys.argv[1]))["data"]
               if n.startswith("flink_taskmanager_job_task_") or n.startswith("flink_taskmanager_Status_JVM"))
if len(names) < 20:
    sys.exit("too few Flink metric names: %d" % len(names))
record = ["sum by (job_name, task_name) (rate({m}[1m]))", "max by (tm_id) ({m})",
          "avg by (job_name) ({m})", "sum by (job_name, task_name, tm_id) ({m})", "count by (job_name) ({m})"]
alert = ["{m} > 1e15", "rate({m}[1m]) > 1e12", "max by (job_name, task_name) (avg_over_time({m}[1m])) > 1e15",
         "{m} < -1e15", "max by (job_name) ({m}) >= -1e300"]  # the last one fires (pending) for every Flink job
out = ["groups:"]
k = 0
for g in range(10):
    out += ["- name: flink-cost-%d" % g, "  interval: 15s", "  rules:"]
    for i in range(50):
        m = names[k % len(names)]
        k += 1
        out += ["  - record: job_task:%s:r%d" % (m, i % 5), "    expr: " + record[i % 5].format(m=m)]
        out += ["  - alert: Cost%d_%d" % (g, i), "    expr: " + alert[i % 5].format(m=m), "    for: 5m",
                "    labels: {severity: warning}",
                "    annotations: {summary: '{{ $labels.job_name }} at {{ $value | humanize }}'}"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
cp "$work/rules.yml" "$work/vigil/rules/cost.yml"
cp "$work/rules.yml" "$work/prometheus/rules/cost.yml"
# POST /-/reload rather than SIGHUP: a JVM started under nohup cannot take SIGHUP.
curl -fsS -X POST "http://127.0.0.1:$vport/-/reload" > /dev/null
curl -fsS -X POST "http://127.0.0.1:$mport/-/reload" > /dev/null
sleep "$WARMUP"
groups() { # base URL -> "sum max count" of prometheus_rule_group_last_duration_seconds
  curl -fsS "$1/metrics" | awk '/^prometheus_rule_group_last_duration_seconds\{/ {s += $2; if ($2 > m) m = $2; n++} END {printf "%.6f %.6f %d\n", s, m, n}'
}
counter_sum() { # base URL, metric -> the sum of its series
  curl -fsS "$1/metrics" | awk -v n="$2" 'index($0, n "{") == 1 {s += $2} END {printf "%.6f\n", s}'
}
vr2=$(counter_sum "http://127.0.0.1:$vport" vigil_rule_group_cpu_seconds_total)
vi2=$(counter_sum "http://127.0.0.1:$vport" prometheus_rule_group_iterations_total)
mi2=$(counter_sum "http://127.0.0.1:$mport" prometheus_rule_group_iterations_total)
v2=$(cpu_ticks "$vpid"); m2=$(cpu_ticks "$mpid"); t2=$(date +%s.%N)
: > "$work/durations"
end=$(( $(date +%s) + RULES ))
while [ "$(date +%s)" -lt "$end" ]; do
  for p in "$vpid" "$gpid" "$mpid"; do kill -0 "$p" 2>/dev/null || { echo "process $p exited" >&2; tail -20 "$work"/*.log >&2; exit 1; }; done
  echo "$(groups "http://127.0.0.1:$vport") $(groups "http://127.0.0.1:$mport")" >> "$work/durations"
  sleep 15
done
v3=$(cpu_ticks "$vpid"); m3=$(cpu_ticks "$mpid"); t3=$(date +%s.%N)
vr3=$(counter_sum "http://127.0.0.1:$vport" vigil_rule_group_cpu_seconds_total)
vi3=$(counter_sum "http://127.0.0.1:$vport" prometheus_rule_group_iterations_total)
mi3=$(counter_sum "http://127.0.0.1:$mport" prometheus_rule_group_iterations_total)
load2=$(cut -d' ' -f1 /proc/loadavg)
series() { curl -fsS "$1/api/v1/status/tsdb" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["headStats"]["numSeries"])'; }
rules_loaded() { curl -fsS "$1/api/v1/rules" | python3 -c 'import json,sys; print(sum(len(g["rules"]) for g in json.load(sys.stdin)["data"]["groups"]))'; }
echo "series in the head: Vigil $(series "http://127.0.0.1:$vport"), Prometheus $(series "http://127.0.0.1:$mport") (recording outputs and ALERTS included)"
echo "rules loaded: Vigil $(rules_loaded "http://127.0.0.1:$vport"), Prometheus $(rules_loaded "http://127.0.0.1:$mport"); load (1 min) $load1 then $load2; end $(date -u +%H:%M:%SZ)"
echo "group evaluations in phase 2: Vigil $(awk -v a="$vi2" -v b="$vi3" 'BEGIN {print b - a}'), Prometheus $(awk -v a="$mi2" -v b="$mi3" 'BEGIN {print b - a}')"
awk -v c="$vr3" -v d="$vr2" -v a="$vi3" -v b="$vi2" 'BEGIN { r = (a - b) / 10; if (r > 0) printf "Vigil      rule threads'"'"' CPU (vigil_rule_group_cpu_seconds_total): %.3f CPU-s per round of 10 groups (%.2f %% of one core at one round per 15 s); not inflated by load\n", (c - d) / r, (c - d) / r / 15 * 100 }'
python3 - "$work/durations" "$tck" "$v0" "$v1" "$v2" "$v3" "$m0" "$m1" "$m2" "$m3" "$t0" "$t1" "$t2" "$t3" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
tck = float(sys.argv[2])
v = [float(x) / tck for x in sys.argv[3:7]]
m = [float(x) / tck for x in sys.argv[7:11]]
t = [float(x) for x in sys.argv[11:15]]
def per_round(c):
    base = (c[1] - c[0]) / (t[1] - t[0])
    rules = (c[3] - c[2]) / (t[3] - t[2])
    return base, rules, (rules - base) * 15
for name, c, off in (("Vigil", v, 0), ("Prometheus", m, 3)):
    base, rules, rnd = per_round(c)
    s = statistics.median(r[off] for r in rows)
    mx = statistics.median(r[off + 1] for r in rows)
    print("%-10s CPU %.3f core without rules, %.3f with; rules: %.2f CPU-s per 15 s round (%.1f %% of one core);"
          " group durations (median of %d samples): sum %.3f s, slowest %.3f s, %d groups"
          % (name, base, rules, rnd, rnd / 15 * 100, len(rows), s, mx, int(rows[-1][off + 2])))
vs = statistics.median(r[0] for r in rows); ps = statistics.median(r[3] for r in rows)
print("Vigil / Prometheus: summed group duration %.2f; rule CPU per round %.2f" % (vs / ps, per_round(v)[2] / per_round(m)[2]))
PY
