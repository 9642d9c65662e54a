#!/usr/bin/env bash
# AgentX GET latency and throughput, side by side in one run with one load
# generator (runtime/snmp/examples/snmp_load.rs): the median round trip of
# sequential GETs and the rate of a window of pipelined GETs, for
#
#   snmpd master  -> net-snmp subagent (snmpd -X, an `override` object)
#   snmpd master  -> smic subagent     (runtime/agentx/examples/subagent.rs, ifDescr.1)
#   smic master   -> net-snmp subagent
#   smic master   -> smic subagent
#   smic local                         (sysDescr.0, no subagent)
#
#   bench/compare-agentx.sh [--seconds N] [--window N] [--samples N]
#
# Everything listens on 127.0.0.1 at free ports; net-snmp is Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=5
window=64
samples=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

cargo build --release -q -p smic-snmp --example snmp_load
cargo build --release -q -p smic-agentx --example subagent
cargo build --release -q -p smic-cli
target=${CARGO_TARGET_DIR:-target}
load="$target/release/examples/snmp_load"
subagent="$target/release/examples/subagent"
smic="$target/release/smic"
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"; }
snmpd_udp=$(free_port udp); snmpd_agentx=$(free_port tcp)
smic_udp=$(free_port udp); smic_agentx=$(free_port tcp)

cat > "$dir/master.conf" <<CONF
master agentx
agentXSocket tcp:127.0.0.1:$snmpd_agentx
rocommunity public 127.0.0.1
CONF
# The master serves no ifTable of its own: the smic subagent's is the one asked.
SNMP_PERSISTENT_DIR="$dir/p1" snmpd -f -C -Lf "$dir/master.log" -c "$dir/master.conf" \
  -I -ifTable,ifXTable,interfaces "udp:127.0.0.1:$snmpd_udp" & pids+=($!)
"$smic" agent --listen "udp:127.0.0.1:$smic_udp" --community public \
  --agentx "tcp:127.0.0.1:$smic_agentx" --log-level warn 2>"$dir/smic.log" & pids+=($!)
sleep 0.5
for port in $snmpd_agentx $smic_agentx; do
  printf 'agentXSocket tcp:127.0.0.1:%s\noverride .1.3.6.1.4.1.99999.1.0 octet_str "net-snmp subagent"\n' "$port" > "$dir/sub-$port.conf"
  SNMP_PERSISTENT_DIR="$dir/p-$port" snmpd -f -C -X -I override -Lf "$dir/sub-$port.log" -c "$dir/sub-$port.conf" & pids+=($!)
  "$subagent" "tcp:127.0.0.1:$port" & pids+=($!)
done

wait_for() { # port oid
  for _ in $(seq 100); do
    snmpget -v2c -c public -t 0.2 -r 0 "127.0.0.1:$1" "$2" 2>/dev/null | grep -qv 'No Such' && return 0
    sleep 0.1
  done
  echo "127.0.0.1:$1 does not serve $2" >&2; exit 1
}
netsnmp_oid=.1.3.6.1.4.1.99999.1.0
smic_oid=.1.3.6.1.2.1.2.2.1.2.1
for port in $snmpd_udp $smic_udp; do wait_for "$port" $netsnmp_oid; wait_for "$port" $smic_oid; done

row() { # label port oid
  local median rate
  median=$("$load" "127.0.0.1:$2" --oid "$3" --latency "$samples")
  rate=$("$load" "127.0.0.1:$2" --oid "$3" --seconds "$seconds" --window "$window")
  printf '%-36s %12s %12s\n' "$1" "$median" "$rate"
  eval "$4_median=$median; $4_rate=$rate"
}
printf '%-36s %12s %12s\n' "GET, one load generator" "median us" "GETs/s (w$window)"
row "snmpd master -> net-snmp subagent" "$snmpd_udp" $netsnmp_oid nn
row "snmpd master -> smic subagent" "$snmpd_udp" $smic_oid ns
row "smic master -> net-snmp subagent" "$smic_udp" $netsnmp_oid sn
row "smic master -> smic subagent" "$smic_udp" $smic_oid ss
row "smic local (sysDescr.0)" "$smic_udp" .1.3.6.1.2.1.1.1.0 local
printf '\nsmic master + smic subagent vs snmpd + net-snmp subagent: %.2fx the GETs/s\n' "$(echo "$ss_rate / $nn_rate" | bc -l)"
printf 'added by the AgentX hop over a local GET (median): %d us\n' "$((ss_median - local_median))"
