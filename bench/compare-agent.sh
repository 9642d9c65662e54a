#!/usr/bin/env bash
# GET throughput of the smic example agent against net-snmp's snmpd, with one load
# generator (runtime/snmp/examples/snmp_load.rs: a window of pipelined GETs of
# sysDescr.0) against each in turn, in one run: requests per second and the ratio.
#
#   bench/compare-agent.sh [--seconds N] [--window N]
#
# Both agents listen on 127.0.0.1 at free ports; snmpd is Debian's, started with
# -C and a read-only community (and an SNMPv3 user for the authPriv row).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=5
window=64
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

cargo build --release -q -p smic-snmp --example agent --example snmp_load
target=${CARGO_TARGET_DIR:-target}
load="$target/release/examples/snmp_load"
dir=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
snmpd_port=$(free_port)
smic_port=$(free_port)

cat > "$dir/snmpd.conf" <<'CONF'
rocommunity public 127.0.0.1
createUser load SHA load-auth-pass AES load-priv-pass
rouser load priv
CONF
cat > "$dir/agent.conf" <<CONF
listen 127.0.0.1:$smic_port
view all included .1
community public all
user load SHA load-auth-pass AES load-priv-pass
access load authPriv all
CONF
SNMP_PERSISTENT_DIR="$dir/persist" snmpd -f -C -Lf "$dir/snmpd.log" -c "$dir/snmpd.conf" -M "$PWD/mibs" "udp:127.0.0.1:$snmpd_port" &
snmpd_pid=$!
# Without v3 support in the configuration parser the v3 lines are refused: retry
# without them so the v2c row is still measured.
"$target/release/examples/agent" "$dir/agent.conf" 2>"$dir/agent.log" &
smic_pid=$!
sleep 0.5
if ! kill -0 $smic_pid 2>/dev/null; then
  grep -v '^user\|^access' "$dir/agent.conf" > "$dir/agent-v2c.conf"
  "$target/release/examples/agent" "$dir/agent-v2c.conf" 2>"$dir/agent.log" &
  smic_pid=$!
fi
trap 'kill $snmpd_pid $smic_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
for port in "$snmpd_port" "$smic_port"; do
  for _ in $(seq 50); do
    snmpget -v2c -c public -t 0.1 -r 0 "127.0.0.1:$port" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && break
    sleep 0.1
  done
done

rate() { "$load" "$@" --seconds "$seconds" --window "$window" 2>/dev/null || echo 0; }
printf '%-28s %12s %12s %8s\n' "GET sysDescr.0, window $window" "smic req/s" "snmpd req/s" "ratio"
s=$(rate "127.0.0.1:$smic_port")
n=$(rate "127.0.0.1:$snmpd_port")
printf '%-28s %12s %12s %7.2fx\n' "SNMPv2c" "$s" "$n" "$(echo "$s / $n" | bc -l)"
s=$(rate "127.0.0.1:$smic_port" --v3 load:load-auth-pass:load-priv-pass)
n=$(rate "127.0.0.1:$snmpd_port" --v3 load:load-auth-pass:load-priv-pass)
if [ "$s" = 0 ]; then
  printf '%-28s %12s %12s\n' "SNMPv3 authPriv SHA/AES" "n/a" "$n"
else
  printf '%-28s %12s %12s %7.2fx\n' "SNMPv3 authPriv SHA/AES" "$s" "$n" "$(echo "$s / $n" | bc -l)"
fi
echo "each for $seconds s; ratio = smic / snmpd"
