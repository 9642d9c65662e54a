#!/usr/bin/env bash
# A bulk walk of a local snmpd's whole tree by smic and by net-snmp's snmpbulkwalk, side
# by side in one run: medians and the ratio (above 1: smic is faster). SNMPv2c, and
# SNMPv3 authPriv (SHA-256 + AES-128, and SHA + AES-256-C).
#
#   bench/compare-walk.sh [--runs N]
#
# Starts Debian's snmpd on a free loopback port with a read-only community and stops it
# at the end. Both tools print names through their MIBs (smic: the built-in modules;
# net-snmp: the same mibs/ with -m ALL), and again numerically (-n / -On).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
[ "${1:-}" = "--runs" ] && runs="$2"

cargo build --release -q -p smic-cli
smic=target/release/smic
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/snmpd.conf" <<'CONF'
rocommunity public 127.0.0.1
createUser bench SHA-256 bench-auth-pass AES bench-priv-pass
createUser benchc SHA bench-auth-pass AES-256-C bench-priv-pass
rouser bench priv
rouser benchc priv
CONF
export SNMP_PERSISTENT_DIR="$dir/persist"
snmpd -f -C -Lf "$dir/log" -c "$dir/snmpd.conf" -M "$PWD/mibs" "udp:127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
agent="127.0.0.1:$port"
for _ in $(seq 50); do
  snmpget -v2c -c public -t 0.1 -r 0 "$agent" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && break
  sleep 0.1
done

median() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

count=$("$smic" walk -n "$agent" .1 | wc -l)
printf '%-30s %10s %10s %8s\n' "walk of $count bindings" "smic s" "net-snmp s" "ratio"
s=$(median "$smic" walk "$agent" .1)
n=$(median snmpbulkwalk -v2c -c public -M "$PWD/mibs" -m ALL "$agent" .1)
printf '%-30s %10.3f %10.3f %7.2fx\n' "names through the MIBs" "$s" "$n" "$(echo "$n / $s" | bc -l)"
s=$(median "$smic" walk -n "$agent" .1)
n=$(median snmpbulkwalk -v2c -c public -On "$agent" .1)
printf '%-30s %10.3f %10.3f %7.2fx\n' "numeric OIDs" "$s" "$n" "$(echo "$n / $s" | bc -l)"
v3=(-v3 -u bench -l authPriv -a SHA-256 -A bench-auth-pass -x AES -X bench-priv-pass)
s=$(median "$smic" walk -n "${v3[@]}" "$agent" .1)
n=$(median snmpbulkwalk "${v3[@]}" -On "$agent" .1)
printf '%-30s %10.3f %10.3f %7.2fx\n' "v3 authPriv SHA-256/AES-128" "$s" "$n" "$(echo "$n / $s" | bc -l)"
v3=(-v3 -u benchc -l authPriv -a SHA -A bench-auth-pass -x AES-256-C -X bench-priv-pass)
s=$(median "$smic" walk -n "${v3[@]}" "$agent" .1)
n=$(median snmpbulkwalk "${v3[@]}" -On "$agent" .1)
printf '%-30s %10.3f %10.3f %7.2fx\n' "v3 authPriv SHA/AES-256-C" "$s" "$n" "$(echo "$n / $s" | bc -l)"
echo "medians of $runs runs; ratio = net-snmp time / smic time"
