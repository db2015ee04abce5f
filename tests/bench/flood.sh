#!/usr/bin/env bash
# Flood benchmark (not a test): klogd against a bare blocking read() loop on the same kernel
# floods, the two taking turns (never reading at the same time), each from a fresh start.
#   tests/bench/flood.sh BUILD_DIR [COUNT] [BURSTS]
# For each of BURSTS bursts of COUNT records from one writer as fast as it can: what the bare
# loop kept, what klogd kept at normal scheduling and with --reader-priority 1, and the losses
# klogd announced in-band ("klogd: missed N kernel messages"); then 20,000 records/s for 10 s:
# what each kept and the CPU time each used (utime + stime), per 100,000 records, and the ratio.
# Needs root; sets kernel.printk_devkmsg=on for the run and restores it.
set -euo pipefail
build=${1:?build dir}
count=${2:-100000}
bursts=${3:-5}
klogd=$build/daemon/klogd
flood=$build/tests/bench/kmsg_flood
bare=$build/tests/bench/bare_reader
work=$(mktemp -d /tmp/klogd-flood.XXXXXX)
old=$(sysctl -n kernel.printk_devkmsg)
restore() {
  sysctl -q -w kernel.printk_devkmsg="$old" || true
  [[ -n ${kpid:-} ]] && kill "$kpid" 2>/dev/null || true
  [[ -n ${bpid:-} ]] && kill "$bpid" 2>/dev/null || true
  rm -rf "$work"
}
trap restore EXIT
sysctl -q -w kernel.printk_devkmsg=on

cpu_of() {  # PID -> utime+stime in seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# bare NAME COUNT RATE -> "kept gaps cpu"
bare() {
  local tag="flood-$$-$1"
  "$bare" "$tag" >"$work/$1.bare" &
  bpid=$!
  until grep -q ready "$work/$1.bare" 2>/dev/null; do sleep 0.05; done
  sleep 0.2
  "$flood" "$tag" "$2" "$3" >"$work/$1.writer"
  echo "<6>$tag end" >/dev/kmsg
  wait "$bpid" || true
  bpid=
  tail -1 "$work/$1.bare"
}

# klogd NAME COUNT RATE [OPTIONS] -> "kept announced cpu"; STALL=1: klogd is stopped (SIGSTOP)
# during the burst, so that the ring overwrites what it has not read: every loss must then be
# announced exactly.
run_klogd() {
  local name=$1 n=$2 rate=$3 tag="flood-$$-$1"
  shift 3
  : >"$work/$name.out"
  "$klogd" -n --start end --state-file "$work/$name.state" --pid-file "$work/pid" \
    -f "$work/$name.out" "$@" 2>"$work/$name.err" &
  kpid=$!
  until [[ -f $work/$name.err ]] && grep -q 'output:' "$work/$name.err"; do sleep 0.05; done
  sleep 0.3
  # the CPU of the flood only: start-up (loading the map and kallsyms) is not reading
  local cpu0 cpu
  cpu0=$(cpu_of "$kpid")
  [[ -n ${STALL:-} ]] && kill -STOP "$kpid"
  "$flood" "$tag" "$n" "$rate" >"$work/$name.writer"
  [[ -n ${STALL:-} ]] && kill -CONT "$kpid"
  echo "<6>$tag end" >/dev/kmsg
  for _ in $(seq 1 600); do grep -q "$tag end" "$work/$name.out" && break; sleep 0.05; done
  cpu=$(awk -v a="$(cpu_of "$kpid")" -v b="$cpu0" 'BEGIN {print a - b}')
  kill "$kpid"
  wait "$kpid" || true
  kpid=
  local kept announced
  kept=$(grep -c "$tag n=" "$work/$name.out" || true)
  announced=$({ grep -o 'klogd: missed [0-9]*' "$work/$name.out" || true; } | awk '{s += $3} END {print s + 0}')
  echo "$kept $announced $cpu"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f%%", b ? 100 * a / b : 0}'; }
writer_rate() { awk '{printf "%.0f", $1 / $2}' "$work/$1.writer"; }

printf '%-8s %8s | %8s | %8s %7s %9s | %8s %7s %9s\n' burst written bare klogd of_bare announced \
  "klogd -r1" of_bare announced
sum_bare=0 sum_k=0 sum_r=0
for i in $(seq 1 "$bursts"); do
  read -r b_kept _ _ < <(bare "b$i" "$count" 0)
  rate=$(writer_rate "b$i")
  read -r k_kept k_ann _ < <(run_klogd "k$i" "$count" 0)
  read -r r_kept r_ann _ < <(run_klogd "r$i" "$count" 0 --reader-priority 1)
  sum_bare=$((sum_bare + b_kept)) sum_k=$((sum_k + k_kept)) sum_r=$((sum_r + r_kept))
  printf '%-8s %8s | %8s | %8s %7s %9s | %8s %7s %9s   (writer %s records/s)\n' "$i" "$count" \
    "$b_kept" "$k_kept" "$(pct "$k_kept" "$b_kept")" "$k_ann" "$r_kept" "$(pct "$r_kept" "$count")" \
    "$r_ann" "$rate"
  [[ $((k_kept + k_ann)) -ge $count && $((r_kept + r_ann)) -ge $count ]] ||
    echo "  (a loss was not announced in full)"
done
printf '%-8s %8s | %8s | %8s %7s %9s | %8s %7s\n' all $((count * bursts)) "$sum_bare" "$sum_k" \
  "$(pct "$sum_k" "$sum_bare")" "" "$sum_r" "$(pct "$sum_r" $((count * bursts)))"
echo "(klogd's of_bare: of what the bare loop kept in the same burst slot; klogd -r1's: of what was written)"

echo
echo "20,000 records/s for 10 s (200,000 records), the two taking turns, 3 rounds:"
ratios=()
for i in 1 2 3; do
  read -r b_kept _ b_cpu < <(bare "s$i" 200000 20000)
  read -r k_kept k_ann k_cpu < <(run_klogd "ks$i" 200000 20000)
  ratio=$(awk -v k="$k_cpu" -v b="$b_cpu" 'BEGIN {printf "%.2f", b ? k / b : 0}')
  ratios+=("$ratio")
  printf '  round %s: bare kept %s, CPU %.3f s per 100k | klogd kept %s (announced lost %s), CPU %.3f s per 100k | ratio %s\n' \
    "$i" "$b_kept" "$(awk -v c="$b_cpu" 'BEGIN {print c / 2}')" "$k_kept" "$k_ann" \
    "$(awk -v c="$k_cpu" 'BEGIN {print c / 2}')" "$ratio"
done
printf '  CPU ratio klogd / bare loop, median of 3: %s\n' "$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)"

read -r k_kept k_ann _ < <(STALL=1 run_klogd stalled "$count" 0)
echo
printf 'a burst while klogd is stopped (SIGSTOP): written %s, kept %s, announced lost %s, kept + announced %s\n' \
  "$count" "$k_kept" "$k_ann" "$((k_kept + k_ann))"
