#!/usr/bin/env bash
# What the metrics cost the record path (not a test): klogd replays the same capture of RECORDS
# kernel records (the live path: parse, annotate, the file sink), without metrics and with the
# endpoint and the textfile on while a client scrapes the endpoint 20 times a second; the two
# take turns, ROUNDS times each. Prints each run's records/s and CPU seconds, the medians, and
# their ratio.
#   tests/bench/metrics_cost.sh BUILD_DIR [RECORDS] [ROUNDS]
set -euo pipefail
build=${1:?build dir}
records=${2:-1000000}
rounds=${3:-5}
klogd=$build/daemon/klogd
work=$(mktemp -d /tmp/klogd-metrics-cost.XXXXXX)
trap 'kill ${scraper:-} 2>/dev/null || true; rm -rf "$work"' EXIT

# A capture in `cat /dev/kmsg` form: most records plain, one in eight with a trace address.
awk -v n="$records" 'BEGIN {
  for (i = 1; i <= n; i++) {
    if (i % 8 == 0) printf "4,%d,%d,-; [<ffffffff81234567>] ? do_something+0x1/0x2\n", i, i
    else printf "6,%d,%d,-;usb 1-1: new high-speed USB device number %d using xhci_hcd\n", i, i, i
  }
}' > "$work/capture"

port=$((20000 + RANDOM % 20000))  # klogd refuses to start if it is taken: run again
run() {  # with|without -> "records/s cpu_seconds"
  local extra=()
  if [[ $1 == with ]]; then
    extra=(--metrics-listen "127.0.0.1:$port" --metrics-file "$work/klogd.prom" --metrics-interval 1)
    (while sleep 0.05; do
       exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || continue
       printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
       cat <&3 >/dev/null; exec 3<&-
     done) &
    scraper=$!
  fi
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$klogd" -n -x --kmsg "$work/capture" \
    --state-file none -f /dev/null "${extra[@]}" 2>/dev/null
  [[ -n ${scraper:-} ]] && { kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; scraper=; }
  read -r wall user sys < "$work/time"
  local scrapes=0
  [[ $1 == with ]] && scrapes=$(awk '/^klogd_metrics_requests_total/ {print $2}' "$work/klogd.prom")
  awk -v n="$records" -v w="$wall" -v u="$user" -v s="$sys" -v k="$scrapes" \
    'BEGIN { printf "%.0f %.2f %d\n", n / (w > 0 ? w : 0.01), u + s, k }'
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
: > "$work/without"; : > "$work/with"
for ((r = 1; r <= rounds; r++)); do
  a=$(run without); b=$(run with)
  echo "round $r: without metrics $a   with metrics (scraped 20/s) $b   (records/s cpu_s scrapes)"
  echo "$a" >> "$work/without"; echo "$b" >> "$work/with"
done
wa=$(cut -d' ' -f1 "$work/without" | median); wb=$(cut -d' ' -f1 "$work/with" | median)
ca=$(cut -d' ' -f2 "$work/without" | median); cb=$(cut -d' ' -f2 "$work/with" | median)
echo "median: without $wa records/s, $ca cpu s; with $wb records/s, $cb cpu s"
awk -v a="$wa" -v b="$wb" -v ca="$ca" -v cb="$cb" \
  'BEGIN { printf "ratio with/without: records/s %.3f, cpu %.3f\n", b / a, cb / ca }'
