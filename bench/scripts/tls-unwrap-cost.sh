#!/usr/bin/env bash
# The server-side decryption cost of a push over TLS, without HTTP: see TlsUnwrapCost.java.
#
#   bench/scripts/tls-unwrap-cost.sh [ROUNDS]      # 30 rounds of 40 MB per variant by default
#
# JAVA picks the JVM (default: java on PATH). NETTY_CP, a class path of netty-handler 4.2 (with
# netty-common, -buffer, -transport, -resolver, -codec-base, -transport-native-unix-common) and
# netty-tcnative-classes + netty-tcnative-boringssl-static 2.0.84 (linux-x86_64), also runs
# TlsNativeUnwrapCost.java: the same unwraps on BoringSSL's engine against the JDK's.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/tls-unwrap.XXXXXX)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/k.pem" -out "$work/c.pem" \
    -days 1 -subj /CN=127.0.0.1 2>/dev/null
openssl pkcs12 -export -in "$work/c.pem" -inkey "$work/k.pem" -out "$work/server.p12" -passout pass:x -name s
echo "== $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'), $("${JAVA:-java}" -version 2>&1 | head -1)"
"${JAVA:-java}" "$dir/TlsUnwrapCost.java" "${1:-30}" "$work/server.p12"
if [ -n "${NETTY_CP:-}" ]; then
  "${JAVA:-java}" -cp "$NETTY_CP" "$dir/TlsNativeUnwrapCost.java" "${1:-30}" "$work/server.p12"
fi
