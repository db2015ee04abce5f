#!/usr/bin/env bash
# klogd incidents over a big journal (issue "klogd incidents": 100,000 entries holding 1,000
# incidents listed in <= 1 s): a private journald namespace is filled with 99,000 kernel-like
# records and 1,000 incident records (klogd's fields, MESSAGE_ID=962f7587...), then
# `klogd incidents --json` is timed against journalctl reading the same entries
# (MESSAGE_ID match, -o json) with farm-bench, and `--group` beside it.
#   bash tests/bench/incidents_journal.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
klogd=$(realpath "$build/daemon/klogd")
ns=klogdbench$$
socket=/run/systemd/journal.$ns/socket
/lib/systemd/systemd-journald "$ns" 2>/dev/null &
jd=$!
cleanup() {
  kill "$jd" 2>/dev/null || true
  wait "$jd" 2>/dev/null || true
  id=$(cat /etc/machine-id)
  rm -rf "/var/log/journal/$id.$ns" "/run/log/journal/$id.$ns" "/run/systemd/journal.$ns"
}
trap cleanup EXIT
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
python3 - "$socket" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(sys.argv[1])
fps = ["%020x" % (0x35085de29c235f361e4a + k) for k in range(40)]
for i in range(100000):
    if i % 100 == 99:
        fp = fps[(i // 100) % len(fps)]
        e = ("MESSAGE=WARNING in bench_fn_%d\nMESSAGE_ID=962f7587ffba4a1b8ebb64e1e54eae2c\n"
             "PRIORITY=4\nSYSLOG_IDENTIFIER=kernel\nKERNEL_INCIDENT_TYPE=warning\n"
             "KERNEL_INCIDENT_TITLE=WARNING in bench_fn_%d\nKERNEL_INCIDENT_FINGERPRINT=%s\n"
             "KERNEL_INCIDENT_REPEATS=0\nKERNEL_INCIDENT_GUILTY_FILE=drivers/bench/b.c\n"
             "KERNEL_INCIDENT_FIRST_SEQ=%d\nKERNEL_INCIDENT_LAST_SEQ=%d\n" % (i % 40, i % 40, fp, i - 30, i))
    else:
        e = ("MESSAGE=bench record %d: usb 1-1: new high-speed USB device number 2 using xhci_hcd\n"
             "PRIORITY=6\nSYSLOG_IDENTIFIER=kernel\nKERNEL_SEQNUM=%d\n" % (i, i))
    while True:
        try:
            s.send(e.encode())
            break
        except BlockingIOError:
            pass
PY
journalctl --namespace "$ns" --sync
entries=$(journalctl --namespace "$ns" -o export --no-pager | grep -c '^__CURSOR=' || true)
incidents=$("$klogd" incidents --namespace "$ns" --json | wc -l)
echo "journal: $entries entries, klogd incidents lists $incidents"
farm-bench -n 10 --vs "sh -c 'exec journalctl --namespace $ns MESSAGE_ID=962f7587ffba4a1b8ebb64e1e54eae2c -o json --no-pager >/dev/null'" \
  -- sh -c "exec $klogd incidents --namespace $ns --json >/dev/null"
farm-bench -n 10 -- sh -c "exec $klogd incidents --namespace $ns --group >/dev/null"
