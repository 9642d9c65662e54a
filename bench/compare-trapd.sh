#!/usr/bin/env bash
# Trap reception, side by side in one run with one load generator
# (runtime/trapd/examples/trapd_load.rs: SNMPv2c linkDown traps with three
# varbinds, from eight source sockets in turn) sent at fixed rates and unpaced to
#
#   snmptrapd              logging every trap to a file (one line each, names
#                          translated through its default MIBs)
#   smic trapd  sqlite     into an SQLite file (the default)
#   smic trapd  postgresql into a PostgreSQL server this script starts
#                          (initdb + pg_ctl into a temp dir; fsync on)
#
# For each receiver and load it prints sent, received (lines logged, rows
# committed) and the ratio, and the sustained rate: received / the time from the
# first trap sent to the last one written.
#
#   bench/compare-trapd.sh [--count N] [--rates "10000 20000 0"] [--no-postgres]
#
# Every receiver gets the same SO_RCVBUF ask (8 MiB; the kernel caps it at
# net.core.rmem_max). Everything listens on 127.0.0.1 at free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
count=100000
rates="10000 20000 0"
postgres=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --no-postgres) postgres=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

cargo build --release -q -p smic-trapd --example trapd_load
cargo build --release -q -p smic-cli
target=${CARGO_TARGET_DIR:-target}
load="$target/release/examples/trapd_load"
smic="$target/release/smic"
dir=$(mktemp -d)
chmod 755 "$dir"
pids=()
pg_stop=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ ${#pg_stop[@]} -gt 0 ]; then "${pg_stop[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"; }
now() { date +%s.%N; }

# PostgreSQL, as the tests start it: as `nobody` when this runs as root.
pg_url=""
if [ "$postgres" = 1 ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed (apt-get install postgresql); use --no-postgres" >&2
    exit 1
  fi
  as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u nobody --); fi
  mkdir "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown nobody: "$dir/pg"; fi
  pg_port=$(free_port tcp)
  (cd "$dir/pg" && "${as[@]}" "$bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null)
  (cd "$dir/pg" && "${as[@]}" "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1" start >/dev/null)
  pg_stop=(env -C "$dir/pg" "${as[@]}" "$bin/pg_ctl" -D "$dir/pg/data" -m fast stop)
  pg_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
fi

# How many traps a receiver has written so far.
count_snmptrapd() { wc -l < "$dir/snmptrapd.log" 2>/dev/null || echo 0; }
count_sqlite() {
  python3 - "$dir/traps.sqlite" <<'PY' 2>/dev/null || echo 0
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from notifications").fetchone()[0])
PY
}
count_postgres() {
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
    "select count(*) from notifications" 2>/dev/null || echo 0
}
# Empties a receiver's store between loads.
reset_snmptrapd() { : > "$dir/snmptrapd.log"; }
reset_sqlite() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("delete from varbinds"); c.execute("delete from notifications"); c.commit()' "$dir/traps.sqlite"; }
reset_postgres() { psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "truncate varbinds, notifications cascade" >/dev/null; }

start_snmptrapd() {
  port=$(free_port udp)
  cat > "$dir/snmptrapd.conf" <<CONF
authCommunity log public
[snmp] serverRecvBuf 8388608
CONF
  : > "$dir/snmptrapd.log"
  SNMP_PERSISTENT_DIR="$dir/p-snmptrapd" snmptrapd -f -C -c "$dir/snmptrapd.conf" \
    -F "%B %N %v\n" -A -Lf "$dir/snmptrapd.log" "udp:127.0.0.1:$port" & pids+=($!)
}
start_smic() { # database
  port=$(free_port udp)
  printf 'listen = ["udp:127.0.0.1:%s"]\ncommunities = ["public"]\ndatabase = "%s"\nqueue_bound = 100000\nreceive_buffer = 8388608\n' \
    "$port" "$1" > "$dir/trapd-$port.toml"
  "$smic" trapd --config "$dir/trapd-$port.toml" --log-level warn 2>>"$dir/smic.log" & pids+=($!)
}

# Sends `count` traps at `rate` (0: unpaced) to 127.0.0.1:$port and waits until
# the receiver's count has not grown for a second; prints one line.
measure() { # name counter rate
  local name=$1 counter=$2 rate=$3 start last current stable=0 done_at
  start=$(now)
  SMIC_LOAD_TO="127.0.0.1:$port" "$load" "$count" "$rate" >/dev/null
  last=-1; done_at=$(now)
  while [ $stable -lt 10 ]; do
    current=$($counter)
    if [ "$current" != "$last" ]; then last=$current; stable=0; done_at=$(now); else stable=$((stable + 1)); fi
    sleep 0.1
  done
  python3 - "$name" "$rate" "$count" "$last" "$start" "$done_at" <<'PY'
import sys
name, rate, sent, got, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
load = "unpaced" if rate == 0 else f"{rate}/s"
print(f"{name:24} {load:>9} sent {sent:7} received {got:7} ({100*got/sent:5.1f}%)  sustained {got/max(end-start,1e-9):8.0f}/s")
PY
}

echo "count $count per load; rates: $rates (0 = unpaced)"
run() { # name starter counter reset [arg]
  local name=$1 starter=$2 counter=$3 reset=$4
  shift 4
  $starter "$@"
  sleep 1
  for rate in $rates; do
    $reset
    measure "$name" "$counter" "$rate"
  done
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
}
run "snmptrapd (log file)" start_snmptrapd count_snmptrapd reset_snmptrapd
run "smic trapd (sqlite)" start_smic count_sqlite reset_sqlite "$dir/traps.sqlite"
if [ -n "$pg_url" ]; then
  run "smic trapd (postgresql)" start_smic count_postgres reset_postgres "$pg_url"
fi
