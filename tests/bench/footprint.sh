#!/usr/bin/env bash
# Issue "a daemon on every host": every figure in one run (not a test; needs root).
#   bash tests/bench/footprint.sh [BUILD_DIR] [MAP] [--flood] [--vmlinux VMLINUX]
# 1. The daemon's memory with a 121k-symbol map (default: this kernel's kallsyms as a System.map):
#    klogd -n -k MAP -f /dev/null --pstore none --state-file none, /proc/PID/status after 4 s
#    (VmRSS, RssAnon, RssFile, VmHWM) and the shared libraries mapped; beside it the same with
#    --debuginfo none --incident-records false (the features off).
# 2. klogd_bench: the map load against klogd 1.5's way, parse+annotate+format with and without
#    the incident engine, titling (median, p99), the tracker in a WARN storm against plain records.
# 3. The daemon in a storm: 2,000 copies of the Debian WARN report replayed (-n -o --kmsg) against
#    the same records made plain (farm-bench, cpu ratio).
# 4. --flood: tests/bench/flood.sh (bursts at normal and realtime priority, the steady rate's CPU).
# 5. --vmlinux: tests/bench/source_lines_rss.sh (source lines' memory, then after the idle close).
set -euo pipefail
build=${1:-build}
shift || true
map=""
flood=0
vmlinux=""
while (($#)); do
  case $1 in
    --flood) flood=1 ;;
    --vmlinux) vmlinux=$2; shift ;;
    *) map=$1 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
klogd=$(realpath "$build/daemon/klogd")
work=$(mktemp -d /tmp/klogd-footprint.XXXXXX)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
if [[ -z $map ]]; then
  map=$work/System.map
  grep -v '\[' /proc/kallsyms >"$map"
fi
echo "== 1. memory, map $(wc -l <"$map") lines"
memory() {
  "$klogd" -n -k "$map" -f /dev/null --pstore none --state-file none --pid-file "$work/pid" "$@" \
    2>/dev/null &
  pid=$!
  sleep 4
  awk -v what="$*" '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} /^VmHWM/ {h = $2}
    END {printf "  %-46s VmRSS %5.1f MB  anon %4.1f  file %4.1f  peak %5.1f", \
         (what == "" ? "default" : what), r / 1000, a / 1000, f / 1000, h / 1000}' \
    "/proc/$pid/status"
  echo "  libs $(grep -oE '/[^ ]+\.so[^ ]*' "/proc/$pid/maps" | sort -u | wc -l)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
memory
memory --debuginfo none --incident-records false

echo "== 2. klogd_bench"
"$build/tests/bench/klogd_bench" \
  --benchmark_filter='MapLoad|ParseAnnotateFormat|TitleReports|WarnStorm|Maintainers' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 | grep -E 'median|^Benchmark'

echo "== 2b. the engine on the record path: the typical records without / with it, in pairs"
# Measured in pairs (BM_EngineSharePaired): each turn times the typical records through the path
# without and with the engine, in turns ABBA, and the figure is the median of ~5,000 turns'
# ratios, so that a slow spell of this shared machine falls on both halves alike. Medians over
# separate repetitions of the two (BM_ParseAnnotateFormat) moved by +-2 % between runs here, as
# much as the engine costs. Three runs; then the engine alone, on records already made.
for _ in 1 2 3; do
  "$build/tests/bench/klogd_bench" --benchmark_filter='EngineSharePaired' 2>/dev/null |
    awk '/^BM_EngineSharePaired/ {
      for (i = 1; i <= NF; ++i) { split($i, kv, "="); if (kv[2] != "") v[kv[1]] = kv[2] }
      printf "  paired: %.1f / %.1f ns a record: +%.2f %% (%.1f ns), %s turns\n",
        v["ns_without"], v["ns_with"], v["engine_pct"], v["engine_ns"], v["turns"] }'
done
"$build/tests/bench/klogd_bench" --benchmark_filter='IncidentEngineOnly' \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
  awk '/_median/ {printf "  the engine alone: %s ns a record\n", $4}'

echo "== 3. the daemon in a WARN storm (2,000 reports) against the same records plain"
python3 "$here/storm_capture.py" "$here/../data/debian/kmsg.raw" 2000 >"$work/storm.raw"
python3 "$here/storm_capture.py" "$here/../data/debian/kmsg.raw" 2000 --plain >"$work/plain.raw"
run="-n -o -x -f /dev/null --state-file none --pstore none --pid-file /dev/null"
farm-bench -n 30 --timeout 600 --vs "$klogd $run --kmsg $work/plain.raw" -- \
  "$klogd" $run --kmsg "$work/storm.raw" | grep -E '^A = |^B = |cpu s|A/B cpu'

if ((flood)); then
  echo "== 4. flood"
  bash "$here/flood.sh" "$build" 100000 10
fi
if [[ -n $vmlinux ]]; then
  echo "== 5. source lines' memory"
  bash "$here/source_lines_rss.sh" "$build" "$vmlinux"
fi
