#!/usr/bin/env bash
# The abuse figures for docs/PERFORMANCE.md: runs AbuseTest (slowloris 200 + 50 pushes declaring
# 64 MB that never come, 10,000 idle connections and the connection cap, gzip and snappy bombs)
# against a real server in the test JVM (-Xmx2g; the idle clients in a child JVM) and prints its
# FIGURE lines with the UTC time and the load.
#
#   bench/scripts/abuse-figures.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
echo "== abuse figures ($(date -u +%Y-%m-%dT%H:%M) UTC, $(uptime | sed 's/.*load/load/'))"
log="$(mktemp /tmp/abuse-figures.XXXXXX)"
trap 'rm -f "$log"' EXIT
mvn -B -ntp -o -pl server -am test -Dtest=AbuseTest -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1 || status=$?
grep -h '^FIGURE' "$log" || true
grep -E 'Tests run:.*AbuseTest|FAIL' "$log" || true
exit "${status:-0}"
