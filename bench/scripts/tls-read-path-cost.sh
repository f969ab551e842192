#!/usr/bin/env bash
# What the server's read side of a TLS push costs per sample by how it reads and unwraps (Undertow's
# SslConduit pattern against batching many records per socket read), without HTTP: see
# TlsReadPathCost.java. Only the server threads' CPU is counted; the JDK clients share the cores.
#
#   bench/scripts/tls-read-path-cost.sh [ROUNDS] [CONNECTIONS] [SECONDS]   # 6 rounds, 4 connections, 8 s
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/tls-read.XXXXXX)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/k.pem" -out "$work/c.pem" \
    -days 1 -subj /CN=127.0.0.1 2>/dev/null
openssl pkcs12 -export -in "$work/c.pem" -inkey "$work/k.pem" -out "$work/server.p12" -passout pass:x -name s
echo "== $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'), $("${JAVA:-java}" -version 2>&1 | head -1)"
"${JAVA:-java}" "$dir/TlsReadPathCost.java" "${1:-6}" "$work/server.p12" "${2:-4}" "${3:-8}" ${4:-}
echo "== done $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/')"
