#!/usr/bin/env bash
# Installs the reference stores the comparison scripts and tests run (Debian's prometheus with promtool,
# prometheus-pushgateway, prometheus-node-exporter, prometheus-alertmanager and victoria-metrics) when they are missing, and stops the services the
# packages start on their default ports: the scripts start their own instances on free loopback
# ports with temporary data folders.
set -euo pipefail
need=()
for pkg in prometheus prometheus-pushgateway prometheus-node-exporter prometheus-alertmanager victoria-metrics; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing ${need[*]}: run as root or: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ "$(id -u)" -eq 0 ]; then
  for svc in prometheus prometheus-pushgateway prometheus-node-exporter prometheus-alertmanager victoria-metrics; do
    (systemctl stop "$svc" 2>/dev/null || service "$svc" stop 2>/dev/null || true) >/dev/null 2>&1
  done
fi
