# Helpers the comparison scripts share; source it after `set -euo pipefail`.
# Every target a script starts goes into the array `pids`, so `stop_pids` can stop them all on exit.

pids=()

# Exits with the build command unless every named jar exists.
require_jars() {
  local j
  for j in "$@"; do
    [ -f "$j" ] || { echo "missing $j: mvn -q -pl server,bench -am -DskipTests package" >&2; exit 1; }
  done
}

# A free TCP port on the loopback address.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits until the URL answers 2xx: url [seconds, default 60].
wait_http() {
  local url="$1" n="${2:-60}"
  for _ in $(seq 1 $((n * 10))); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no answer from $url" >&2
  return 1
}

# Sends SIGTERM to every started target, waits up to [seconds, default 10] for each, then SIGKILL.
stop_pids() {
  local n="${1:-10}" p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 $((n * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}

# User + system CPU ticks a process has used.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# The summed VmRSS of the given processes, in kB.
rss_kb() {
  local sum=0 v p
  for p in "$@"; do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# The stack Vigil replaces: a Pushgateway on 127.0.0.1:$2 and a Prometheus on 127.0.0.1:$3 scraping
# it every 10 s with honor_labels, data and logs under $1; further arguments go to Prometheus. Sets
# gpid and mpid and adds both to pids; does not wait for them to be ready.
start_pushgateway_stack() {
  local dir="$1" gport="$2" mport="$3"
  shift 3
  cat > "$dir/prometheus.yml" <<CONF
global:
  scrape_interval: 10s
  evaluation_interval: 10s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    scrape_interval: 10s
    static_configs:
      - targets: ['127.0.0.1:$gport']
CONF
  "$PUSHGATEWAY" --web.listen-address="127.0.0.1:$gport" --persistence.file= > "$dir/pushgateway.log" 2>&1 &
  gpid=$!; pids+=("$gpid")
  "$PROMETHEUS" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus" \
    --web.listen-address="127.0.0.1:$mport" "$@" > "$dir/prometheus.log" 2>&1 &
  mpid=$!; pids+=("$mpid")
}
