#!/usr/bin/env bash
# What TLS and basic auth cost a push: the same Vigil jar under `vigil-bench flood`, plain HTTP and
# TLS + basic auth + roles alternating, ROUNDS of each in one run (so both see the same machine),
# then both medians and their ratio. The secured server gets a web config with a CA and a server
# certificate made here by openssl, a bcrypt user with the push role (the flood sends its
# credentials on every request over kept-alive connections, as Flink 2.3's reporter does with
# HttpURLConnection) and a reader for the ready check.
#
#   bench/scripts/push-tls-compare.sh 20 PT40S 3 --prerendered 4
#
# Arguments: TaskManagers, duration per run, rounds; the rest go to `flood`. Knobs as
# push-compare.sh (PUSHERS, SKIP, VIGIL_HEAP, VIGIL_JAR, BENCH_JAR, VIGIL_JVM_ARGS, STRACE). SKIP defaults to
# 30 s here: every run starts fresh JVMs, and until C2 has compiled the JDK's AES-GCM (GHASH runs as
# plain Java before its intrinsic) a TLS end crawls. The server warms its own at start (TlsWarmup;
# VIGIL_JVM_ARGS=-Dvigil.tlsWarmup=false turns that off for an A/B); the generator does not.
set -euo pipefail
export SKIP="${SKIP:-30}"

root="$(cd "$(dirname "$0")/../.." && pwd)"
export VIGIL_JAR="${VIGIL_JAR:-$root/server/target/vigil.jar}"
tms="$1"; duration="$2"; rounds="$3"; shift 3
work="$(mktemp -d /tmp/push-tls.XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt -days 2 \
    -subj /CN=vigil-bench-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
    -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
cat > Hash.java <<'JAVA'
public class Hash {
    public static void main(String[] a) {
        System.out.println(at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                .hashToString(10, a[0].toCharArray()));
    }
}
JAVA
password="bench-$RANDOM$RANDOM"
hash="$(java -cp "$VIGIL_JAR" Hash.java "$password")"
cat > web.yml <<YAML
tls_server_config:
  cert_file: $work/server.crt
  key_file: $work/server.key
basic_auth_users:
  flink: '$hash'
  reader: '$hash'
YAML
printf 'users:\n  flink: [push]\n  reader: [read]\n' > roles.yml
cd "$root"

declare -a plain tls
for r in $(seq "$rounds"); do
  for mode in plain tls; do
    if [ "$mode" = plain ]; then
      out="$(bench/scripts/push-compare.sh vigil "$tms" "$duration" "$@")"
    else
      out="$(VIGIL_ARGS="--web.config.file=$work/web.yml --web.roles.file=$work/roles.yml" SCHEME=https \
             CURL_ARGS="--cacert $work/ca.crt -u reader:$password" \
             bench/scripts/push-compare.sh vigil "$tms" "$duration" --cacert "$work/ca.crt" --user "flink:$password" "$@")"
    fi
    echo "$out" | grep -E '^(==|STEADY|RESULT|STRACE)' | sed "s/^/[$mode $r] /"
    rate="$(echo "$out" | sed -n 's/^STEADY [0-9]* s: \([0-9,]*\) samples\/s.*/\1/p' | tr -d ,)"
    if [ "$mode" = plain ]; then plain+=("${rate:-0}"); else tls+=("${rate:-0}"); fi
  done
done
python3 - "${plain[*]}" "${tls[*]}" <<'PY'
import statistics, sys
p = [float(x) for x in sys.argv[1].split()]
t = [float(x) for x in sys.argv[2].split()]
mp, mt = statistics.median(p), statistics.median(t)
print(f"plain HTTP       : {' / '.join(f'{x:,.0f}' for x in p)} samples/s, median {mp:,.0f}")
print(f"TLS + basic auth : {' / '.join(f'{x:,.0f}' for x in t)} samples/s, median {mt:,.0f}")
print(f"ratio TLS+auth / plain: {mt / mp if mp else 0:.3f}")
PY
