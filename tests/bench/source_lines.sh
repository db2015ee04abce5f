#!/usr/bin/env bash
# Source lines on a real kernel: klogd --decode --debuginfo against the kernel's own
# scripts/decode_stacktrace.sh on the same log and vmlinux, each timed as a whole process with
# its peak RSS. Needs the debug vmlinux (Debian: apt-get download linux-image-R-dbg, then
# dpkg-deb -x) and, for the comparison, decode_stacktrace.sh from the same kernel's source.
#   bash tests/bench/source_lines.sh BUILD VMLINUX LOG [decode_stacktrace.sh]
set -euo pipefail
build=$1 vmlinux=$2 log=$3 script=${4:-}
klogd=$build/daemon/klogd
frames=$(grep -cE '[A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+' "$log" || true)
echo "log: $(wc -l <"$log") lines, $frames with a frame; vmlinux: $(du -m "$vmlinux" | cut -f1) MB"
# wall seconds and peak RSS (KB) of one run
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timed() {
  /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>&1 || true
  tail -1 "$out"
}
best=
for i in 1 2 3; do
  read -r s kb < <(timed "$klogd" --decode "$log" --debuginfo "$vmlinux")
  echo "klogd --decode --debuginfo, run $i: $s s, peak RSS $((kb / 1024)) MB"
  if [[ -z $best ]] || (($(echo "$s < $best" | bc))); then best=$s; fi
done
located=$("$klogd" --decode "$log" --debuginfo "$vmlinux" 2>/dev/null |
  grep -cE '\+0x[0-9a-f]+/0x[0-9a-f]+[^(]* \([^ )]+:[0-9]+' || true)
echo "klogd: best $best s; lines with a located frame: $located"
if [[ -n $script ]]; then
  read -r s kb < <(timed bash "$script" "$vmlinux" <"$log")
  echo "decode_stacktrace.sh: $s s, peak RSS $((kb / 1024)) MB"
  echo "decode_stacktrace.sh / klogd: $(echo "scale=1; $s / $best" | bc)x"
fi
