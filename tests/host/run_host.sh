#!/usr/bin/env bash
# One host test: the Debian 12 guest (host_image.sh) booted under QEMU with systemd as PID 1, the
# freshly built .deb handed to it on a second disk with the scenario, which the guest runs at
# every boot (it may reboot, or crash the kernel, and goes on in the next boot), until it powers
# off. The results come back on that disk; nothing of this machine's is touched.
#   run_host.sh BUILD_DIR SCENARIO     (SCENARIO: guest/SCENARIO.sh)
# Exit 0 when every check passed, 1 when one failed or the guest did not finish, 77 (skipped)
# when the guest cannot run here (no QEMU, no image). KLOGD_HOST_CACHE: where the image is kept
# (default /var/cache/klogd-host-tests); KLOGD_HOST_KEEP=DIR keeps the guest's files there. No timing is asserted: under TCG every time is distorted.
set -euo pipefail
build=$(cd "$1" && pwd)
scenario=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${KLOGD_HOST_CACHE:-/var/cache/klogd-host-tests}
limit=${KLOGD_HOST_TIMEOUT:-420}
skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
command -v debugfs >/dev/null || skip "debugfs (e2fsprogs) is not installed"

# The .deb as an admin gets it, built apart from the package test's.
debdir=$build/host-deb
mkdir -p "$debdir"
(cd "$build" && cpack -G DEB -B "$debdir" >"$debdir/cpack.log" 2>&1) ||
  { cat "$debdir/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls -t "$debdir"/klogd_*.deb | head -1)

set +e
image=$(bash "$here/host_image.sh" "$deb" "$cache")
rc=$?
set -e
((rc == 77)) && skip "no guest image"
((rc == 0)) || { echo "FAIL: the guest image could not be made"; exit 1; }

work=$(mktemp -d /tmp/klogd-host-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/io"
cp "$deb" "$work/io/klogd.deb"
cp "$here/guest/driver.sh" "$here/guest/lib.sh" "$work/io/"
cp "$here/guest/$scenario.sh" "$work/io/scenario.sh"
mkfs.ext4 -q -F -d "$work/io" "$work/io.img" 256M >/dev/null
if command -v qemu-img >/dev/null; then
  qemu-img create -q -f qcow2 -b "$image/base.img" -F raw "$work/disk.qcow2"
  disk="file=$work/disk.qcow2,format=qcow2"
else
  cp --sparse=always "$image/base.img" "$work/disk.img"
  disk="file=$work/disk.img,format=raw"
fi

# KVM when it works (these machines are nested guests: a stock kernel hangs under KVM here),
# decided once per machine by a short probe, else TCG.
accel="-accel tcg -cpu max"
if [[ -w /dev/kvm && ${KLOGD_HOST_KVM:-probe} != no ]]; then
  probe=$cache/kvm-probe
  if [[ ! -f $probe ]]; then
    timeout 25 qemu-system-x86_64 -accel kvm -cpu host -m 512 -nographic -nodefaults \
      -serial file:"$work/kvm.log" -kernel "$image/vmlinuz" -append 'console=ttyS0 panic=-1' \
      -no-reboot >/dev/null 2>&1 || true
    if grep -q 'Kernel panic\|VFS: Unable to mount' "$work/kvm.log" 2>/dev/null; then
      echo yes >"$probe"
    else
      echo no >"$probe"
    fi
  fi
  [[ $(cat "$probe") == yes ]] && accel="-accel kvm -cpu host"
fi
echo "host test $scenario: $accel, image $image"

# ramoops in the top MiB of the first GiB (memmap= keeps the kernel off it); the guest has more
# RAM than that, so that QEMU's initrd, put at the top of RAM, never covers it.
cmdline="root=LABEL=klogd-host rw console=ttyS0 panic=1 memmap=1M\$0x3f000000"
cmdline+=" ramoops.mem_address=0x3f000000 ramoops.mem_size=0x100000 ramoops.record_size=0x4000"
cmdline+=" systemd.show_status=1"
start=$(date +%s)
set +e
timeout "$limit" qemu-system-x86_64 $accel -smp 2 -m 1536 -nographic -nodefaults \
  -no-user-config -serial file:"$work/serial.log" -kernel "$image/vmlinuz" \
  -initrd "$image/initrd.img" -append "$cmdline" \
  -drive "$disk,if=virtio" -drive "file=$work/io.img,format=raw,if=virtio" -nic none
qemu=$?
set -e
echo "host test $scenario: the guest ran $(($(date +%s) - start)) s (qemu exit $qemu)"
mkdir -p "$work/out"
debugfs -R "rdump / $work/out" "$work/io.img" >/dev/null 2>&1 || true
out=$work/out
if [[ -n ${KLOGD_HOST_KEEP:-} ]]; then  # the guest's files, kept for a look
  mkdir -p "$KLOGD_HOST_KEEP" && cp -r "$out"/. "$work/serial.log" "$KLOGD_HOST_KEEP"/
fi
results=$out/results.txt
[[ -f $results ]] || : >"$results"
cat "$results"
failed=0
grep -q '^FAIL' "$results" && failed=1
if ! grep -q '^DONE' "$results"; then
  echo "FAIL: the guest did not finish (qemu exit $qemu$( ((qemu == 124)) && echo ": timed out after $limit s"))"
  failed=1
fi
if ((failed)); then
  for f in "$out"/*.log; do
    [[ -f $f ]] || continue
    echo "--- $(basename "$f") (last 40 lines)"
    tail -40 "$f"
  done
  echo "--- serial console (last 60 lines)"
  tail -60 "$work/serial.log"
  exit 1
fi
echo "host test $scenario: passed"
