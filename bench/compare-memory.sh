#!/usr/bin/env bash
# Peak memory (and wall time) of smic and net-snmp's snmptranslate side by side:
#
#   bench/compare-memory.sh [--module NAME] [--no-synthetic]
#
# 1. mibs/, the vendor corpus (../shared/corpus/vendor), and synthetic corpora made of
#    1, 2 and 4 copies of the vendor corpus with every module renamed per copy (imports
#    follow): `smic dump oids DIR` against `snmptranslate -M <dirs> -m ALL -Tz -On`,
#    with peak RSS and time per module, which should stay flat as the corpus grows.
# 2. One module (--module, default JUNIPER-ALARM-MIB) with every vendor directory on
#    the search path: `smic check -I mibs -I <dir>... MODULE`, with a cold index cache
#    (emptied first) and a warm one, against `snmptranslate -M <dirs> -m MODULE`.
#
# Peak RSS comes from GNU time (`/usr/bin/time -v`, Debian `time`); one run each after a
# warm-up, so the page cache is warm for both tools.
set -euo pipefail
cd "$(dirname "$0")/.."

module=JUNIPER-ALARM-MIB
synthetic=1
while [ $# -gt 0 ]; do
  case "$1" in
    --module) module="$2"; shift 2 ;;
    --no-synthetic) synthetic=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
vendor=../shared/corpus/vendor
[ -d "$vendor" ] || { echo "needs $vendor" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

cargo build --release -q -p smic-cli
smic=$(realpath "${CARGO_TARGET_DIR:-target}/release/smic")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"

# measure CMD...: runs CMD once unmeasured, then once under GNU time; prints
# "seconds peak-KiB".
measure() {
  "$@" >/dev/null 2>&1 || true
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
  tail -1 "$tmp/time"
}

# Directories net-snmp should search: DIR and its subdirectories, then mibs/.
search_path() {
  { find "$1" -type d | sort; echo "$PWD/mibs"; } | paste -sd: -
}

modules_in() {
  grep -rhoE '^[[:space:]]*[A-Za-z][A-Za-z0-9_-]*[[:space:]]+DEFINITIONS' "$1" 2>/dev/null | wc -l
}

row() { # label tool seconds kib modules what
  local per=$(( $4 / ($5 > 0 ? $5 : 1) ))
  printf '%-22s %-14s %8.2f %10.1f %9s %s\n' "$1" "$2" "$3" "$(echo "$4 / 1024" | bc -l)" "$per" "$6"
}

corpora=(mibs "$vendor")
if [ "$synthetic" = 1 ]; then
  # Module names of the vendor corpus, base modules left alone (they are pinned).
  grep -rhoE '^[[:space:]]*[A-Za-z][A-Za-z0-9_-]*[[:space:]]+DEFINITIONS' "$vendor" |
    awk '{print $1}' | grep -vxE 'SNMPv2-SMI|SNMPv2-TC|SNMPv2-CONF|RFC1155-SMI|RFC-1212|RFC-1215|RFC1065-SMI' |
    sort -u > "$tmp/names"
  for copies in 1 2 4; do
    out="$tmp/synthetic-${copies}x"
    for k in $(seq "$copies"); do
      # One perl for every file: the names are read once.
      (cd "$vendor" && find . -type f) | perl -MFile::Path=make_path -e '
        my ($names, $from, $to, $k) = @ARGV;
        open N, $names or die; chomp(my @n = <N>); my %m = map { $_ => 1 } @n;
        local $/;
        my @files = split /\n/, <STDIN>;
        for my $f (@files) {
          open F, "<", "$from/$f" or next; my $t = <F>; close F;
          $t =~ s/\b([A-Za-z][A-Za-z0-9-]*[A-Za-z0-9])\b/exists $m{$1} ? "$1-C$k" : $1/ge;
          (my $d = "$to/$f") =~ s{/[^/]*$}{};
          make_path($d);
          open O, ">", "$to/$f" or die; print O $t; close O;
        }' "$tmp/names" "$vendor" "$out/c$k" "$k"
    done
    corpora+=("$out")
  done
fi

printf '%-22s %-14s %8s %10s %9s %s\n' input tool seconds "peak MiB" "KiB/mod" command
for dir in "${corpora[@]}"; do
  label=$(basename "$dir")
  n=$(modules_in "$dir")
  label="$label ($n)"
  read -r s kib < <(measure "$smic" dump oids "$dir")
  row "$label" smic "$s" "$kib" "$n" "smic dump oids DIR"
  if [ "$dir" = mibs ]; then
    read -r s kib < <(measure "$smic" check mibs)
  else
    read -r s kib < <(measure "$smic" check -I mibs "$dir")
  fi
  row "$label" "smic check" "$s" "$kib" "$n" "smic check [-I mibs] DIR > file"
  if command -v snmptranslate >/dev/null; then
    read -r s kib < <(measure snmptranslate -M "$(search_path "$dir")" -m ALL -Tz -On)
    row "$label" snmptranslate "$s" "$kib" "$n" "snmptranslate -M <dirs> -m ALL -Tz -On"
  fi
done

includes=(-I mibs)
for d in $(find "$vendor" -mindepth 1 -maxdepth 1 -type d | sort); do includes+=(-I "$d"); done
rm -rf "$XDG_CACHE_HOME"
/usr/bin/time -f '%e %M' -o "$tmp/time" "$smic" check "${includes[@]}" "$module" >/dev/null 2>&1 || true
read -r s kib < "$tmp/time"
row "$module" "smic cold" "$s" "$kib" 1 "smic check -I mibs -I <each vendor dir> $module (empty cache)"
read -r s kib < <(measure "$smic" check "${includes[@]}" "$module")
row "$module" "smic warm" "$s" "$kib" 1 "the same, index cache warm"
if command -v snmptranslate >/dev/null; then
  read -r s kib < <(measure snmptranslate -M "$(search_path "$vendor")" -m "$module" -Tz -On)
  row "$module" snmptranslate "$s" "$kib" 1 "snmptranslate -M <the same dirs> -m $module -Tz -On"
fi
