#!/usr/bin/env bash
# The daemon's memory with source lines, on a real kernel's debug vmlinux (a manual check, not in
# CI): the Debian boot's capture (tests/data/debian/kmsg.raw: a WARN and an oops of that kernel)
# replayed twice through a pipe with --source-lines, its frames located in VMLINUX. Prints the
# daemon's RSS (VmRSS) on a quiet host (nothing asked for yet), after the incidents (the frames
# located, the second replay's decorated), and after the idle close; and the same daemon with
# --debuginfo none as the baseline.
#   bash tests/bench/source_lines_rss.sh BUILD VMLINUX
set -euo pipefail
build=$1 vmlinux=$2
klogd=$build/daemon/klogd
capture=$(dirname "$0")/../data/debian/kmsg.raw
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rss() { awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {print r " (anon " a ", file " f ")"}' "/proc/$1/status"; }

run() {  # $1: label; the rest: klogd's options
  local label=$1
  shift
  mkfifo "$dir/kmsg"
  "$klogd" -n -x --kmsg "$dir/kmsg" --state-file none -f "$dir/out" "$@" 2>"$dir/err" &
  local pid=$!
  exec 3>"$dir/kmsg"
  sleep 1
  echo "$label: quiet: $(rss $pid) kB"
  cat "$capture" >&3
  for _ in $(seq 100); do
    [[ $(grep -c 'klogd: incident:' "$dir/out" 2>/dev/null) -ge 2 ]] && break
    sleep 0.1
  done
  sleep 1
  # the same boot again, later sequence numbers: its frames are known now
  awk -F';' -v OFS=';' '{ split($1, h, ","); h[2] += 100000; $1 = h[1] "," h[2] "," h[3] "," h[4]; print }' \
    "$capture" >&3
  sleep 1
  echo "$label: after 2 incidents: $(rss $pid) kB; told: $(grep 'klogd: incident:' "$dir/out" | sed 's/.*klogd: incident: //' | tr '\n' ';')"
  echo "$label: frames decorated: $(grep -cE '\+0x[0-9a-f]+/0x[0-9a-f]+[^(]* \([^ )]+:[0-9]+' "$dir/out" || true)"
  if [[ $label == source ]]; then
    sleep 5
    echo "$label: after the idle close: $(rss $pid) kB ($(grep -c 'debug files closed' "$dir/err") close)"
  fi
  exec 3>&-
  wait $pid || true
  rm -f "$dir/kmsg" "$dir/out"
}

run baseline --debuginfo none
run source --source-lines --debuginfo "$vmlinux" --debuginfo-idle 3
