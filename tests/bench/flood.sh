#!/usr/bin/env bash
# Flood benchmark (not a test): klogd against a bare read() loop on the same kernel flood.
#   tests/bench/flood.sh BUILD_DIR [COUNT]
# Prints, for a burst of COUNT records from one writer as fast as it can, and for 20,000
# records/s during 10 s: records written, delivered by klogd, received by the bare loop, and the
# losses klogd announced in-band ("klogd: missed N kernel messages"). Needs root; sets
# kernel.printk_devkmsg=on for the run and restores it.
set -euo pipefail
build=${1:?build dir}
count=${2:-100000}
klogd=$build/daemon/klogd
flood=$build/tests/bench/kmsg_flood
bare=$build/tests/bench/bare_reader
work=$(mktemp -d /tmp/klogd-flood.XXXXXX)
old=$(sysctl -n kernel.printk_devkmsg)
restore() {
  sysctl -q -w kernel.printk_devkmsg="$old" || true
  [[ -n ${kpid:-} ]] && kill "$kpid" 2>/dev/null || true
  [[ -n ${bpid:-} ]] && kill "$bpid" 2>/dev/null || true
}
trap restore EXIT
sysctl -q -w kernel.printk_devkmsg=on

run() {  # NAME COUNT RATE [stall]
  local name=$1 n=$2 rate=$3 stall=${4:-} tag="flood-$$-$1"
  : > "$work/$name.klogd"
  "$klogd" -n --start end --state-file none --pid-file "$work/pid" -f "$work/$name.klogd" \
    2>"$work/$name.err" &
  kpid=$!
  "$bare" "$tag" > "$work/$name.bare" &
  bpid=$!
  until grep -q ready "$work/$name.bare" 2>/dev/null && grep -q 'output:' "$work/$name.err"; do sleep 0.05; done
  sleep 0.2
  local w
  # "stall": klogd is stopped during the burst (a reader that loses the CPU for a while), so
  # the ring overwrites what it has not read: every loss must then be announced exactly.
  [[ -n $stall ]] && kill -STOP "$kpid"
  w=$("$flood" "$tag" "$n" "$rate")
  [[ -n $stall ]] && kill -CONT "$kpid"
  echo "<6>$tag end" > /dev/kmsg
  for _ in $(seq 1 600); do grep -q "$tag end" "$work/$name.klogd" && break; sleep 0.1; done
  wait "$bpid" || true; bpid=
  kill "$kpid"; wait "$kpid" || true; kpid=
  local delivered announced bare_recv
  delivered=$(grep -c "$tag n=" "$work/$name.klogd" || true)
  announced=$({ grep -o 'klogd: missed [0-9]*' "$work/$name.klogd" || true; } | awk '{s+=$3} END {print s+0}')
  bare_recv=$(tail -1 "$work/$name.bare" | awk '{print $1}')
  local secs=${w#* }; secs=${secs%% *}
  printf '%-26s %9s %9s %9s %10s %12s %8s\n' "$name" "$n" "$delivered" "$bare_recv" "$announced" \
    "$((delivered + announced))" "$(awk -v d="$delivered" -v b="$bare_recv" 'BEGIN {printf "%.1f%%", b ? 100*d/b : 0}')"
  echo "  (writer took ${secs}s)"
}

printf '%-26s %9s %9s %9s %10s %12s %8s\n' run written klogd bare announced klogd+announced klogd/bare
run burst "$count" 0
run burst-2 "$count" 0
run burst-3 "$count" 0
run sustained-20k-10s 200000 20000
run burst-klogd-stalled "$count" 0 stall
rm -rf "$work"
