#!/usr/bin/env bash
# Loads the same MIB directories with smic and with its peers, side by side in one run,
# and prints the median wall time of each and its ratio to smic.
#
#   bench/compare-compilers.sh [--runs N] [--warmup N] [--pysmi] [DIR...]
#
# Each command first runs --warmup times unmeasured (default 1: the first run after a
# build or a pause pays for memory the machine has to fault in anew, and for files that
# fell out of the page cache), then --runs times (default 7); the median is printed.
# Defaults: mibs/ and, when present, ../shared/corpus/vendor. Peers: net-snmp's
# `snmptranslate -m ALL -Tz -On` (Debian `snmp`), libsmi's `smilint` (`smitools`) and,
# with --pysmi, pysmi's `mibdump` (PyPI `pysmi`; slow, so off by default).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=7
warmup=1
pysmi=0
dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --pysmi) pysmi=1; shift ;;
    *) dirs+=("$1"); shift ;;
  esac
done
if [ ${#dirs[@]} -eq 0 ]; then
  dirs=(mibs)
  [ -d ../shared/corpus/vendor ] && dirs+=(../shared/corpus/vendor)
fi

cargo build --release -q -p smic-cli
smic=${CARGO_TARGET_DIR:-target}/release/smic
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median_seconds CMD...: runs CMD $warmup times, then $runs times (output discarded),
# and prints the median of the latter.
median_seconds() {
  for _ in $(seq "$warmup"); do
    "$@" >/dev/null 2>&1 || true
  done
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

# Directories net-snmp and libsmi should search: DIR and its subdirectories (they do
# not recurse), then the shipped modules for imports.
search_path() {
  local dir=$1
  { find "$dir" -type d | sort; echo "$PWD/mibs"; } | paste -sd: -
}

printf '%-28s %-16s %10s %8s %s\n' "input" "tool" "median s" "ratio" "what"
for dir in "${dirs[@]}"; do
  files=$(find "$dir" -type f | wc -l)
  label="$(basename "$dir") ($files files)"
  path=$(search_path "$dir")

  t_smic=$(median_seconds "$smic" dump oids "$dir")
  printf '%-28s %-16s %10.3f %8s %s\n' "$label" smic "$t_smic" "1.00" "smic dump oids $dir"

  if command -v snmptranslate >/dev/null; then
    t=$(median_seconds snmptranslate -M "$path" -m ALL -Tz -On)
    printf '%-28s %-16s %10.3f %7.2fx %s\n' "$label" snmptranslate "$t" "$(echo "$t / $t_smic" | bc -l)" "snmptranslate -m ALL -Tz -On"
  fi
  if command -v smilint >/dev/null; then
    find "$dir" -type f > "$tmp/files"
    t=$(median_seconds env SMIPATH="$path" xargs -a "$tmp/files" smilint -l 0)
    printf '%-28s %-16s %10.3f %7.2fx %s\n' "$label" smilint "$t" "$(echo "$t / $t_smic" | bc -l)" "smilint -l 0 (every file)"
  fi
  if [ "$pysmi" = 1 ] && command -v mibdump >/dev/null; then
    modules=$("$smic" dump oids "$dir" 2>/dev/null | cut -f2 | cut -d: -f1 | sort -u | tr '\n' ' ')
    sources=$(echo "$path" | tr ':' '\n' | sed 's/^/--mib-source=/' | tr '\n' ' ')
    # shellcheck disable=SC2086
    t=$(median_seconds mibdump $sources --destination-format=json --destination-directory="$tmp/pysmi" --no-python-compile $modules)
    printf '%-28s %-16s %10.3f %7.2fx %s\n' "$label" pysmi "$t" "$(echo "$t / $t_smic" | bc -l)" "mibdump --destination-format=json"
  fi
done
echo "ratio = peer time / smic time (above 1: smic is faster); medians of $runs runs after $warmup warm-up"
