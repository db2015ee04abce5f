#!/usr/bin/env bash
# Builds the .deb and checks it without installing it on this machine: its control fields, its
# files unpacked into a scratch root, the packaged klogd run from there against the real
# /dev/kmsg, the unit checked by systemd-analyze, the maintainer script's syntax and what it
# does. (dpkg -i here would replace the developer's own kernel log daemon.)
set -euo pipefail
build=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$build"
rm -f klogd_*.deb
cpack -G DEB >cpack.log 2>&1 || { cat cpack.log; fail "cpack"; }
deb=$(ls klogd_*.deb)
# (grep -q on a pipe would stop reading early: with pipefail the writer's SIGPIPE fails the test)
# installs beside rsyslog, which conflicts with every other linux-kernel-log-daemon
! grep -q 'linux-kernel-log-daemon' <<<"$(dpkg-deb -f "$deb" Provides) $(dpkg-deb -f "$deb" Conflicts)" ||
  fail "Provides or Conflicts linux-kernel-log-daemon: rsyslog cannot stay"
grep -q 'adduser' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends: adduser"
grep -q 'libc6' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends: no shared library dependencies"
grep -q 'libnettle8' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends: no libnettle8 (SHA-256, loaded by its soname)"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$root/DEBIAN"
for f in usr/sbin/klogd etc/klogd.conf etc/default/klogd usr/share/man/man8/klogd.8 \
  lib/systemd/system/klogd.service usr/share/klogd/prometheus/klogd-alerts.yml \
  usr/lib/systemd/journald.conf.d/klogd.conf etc/rsyslog.d/00-klogd.conf; do
  [[ -f $root/$f ]] || fail "no /$f in the package"
done
grep -q '^/etc/klogd.conf$' "$root/DEBIAN/conffiles" || fail "conffiles: /etc/klogd.conf"
grep -q '^/etc/default/klogd$' "$root/DEBIAN/conffiles" || fail "conffiles: /etc/default/klogd"
grep -q '^/etc/rsyslog.d/00-klogd.conf$' "$root/DEBIAN/conffiles" || fail "conffiles: the rsyslog drop-in"
grep -q '^ReadKMsg=no$' "$root/usr/lib/systemd/journald.conf.d/klogd.conf" || fail "journald drop-in"
for script in postinst prerm postrm; do
  sh -n "$root/DEBIAN/$script" || fail "$script: syntax"
done
grep -q 'deb-systemd-helper enable' "$root/DEBIAN/postinst" || fail "postinst: the service is not enabled"
grep -q 'rm -rf /var/lib/klogd' "$root/DEBIAN/postrm" || fail "postrm: purge leaves the state"
grep -q 'adduser' "$root/DEBIAN/postinst" || fail "postinst: makes no klogd user"
# the optional parts are plugins in klogd's own folder, found by the binary's RUNPATH; the
# daemon itself links none of their libraries
for f in usr/lib/klogd/libklogd-debuginfo.so usr/lib/klogd/libklogd-tls.so \
  usr/lib/klogd/libklogd-journal.so; do
  [[ -f $root/$f ]] || fail "no /$f in the package"
done
dyn=$(readelf -d "$root/usr/sbin/klogd")
grep -q 'RUNPATH.*\[\$ORIGIN/\.\./lib/klogd\]' <<<"$dyn" || fail "klogd: RUNPATH is not \$ORIGIN/../lib/klogd"
! grep -qE 'NEEDED.*(libdw|libdebuginfod|libssl|libcrypto|libnettle|libsystemd|libcurl)' <<<"$dyn" ||
  fail "klogd links an optional library: $(grep NEEDED <<<"$dyn" | tr -s ' ')"
grep -q '^\.TH KLOGD 8' "$root/usr/share/man/man8/klogd.8" || fail "man page header"
grep -q '^klogd 2' <<<"$("$root/usr/sbin/klogd" -v)" || fail "klogd -v"
tag="klogd-package-test-$$"
echo "<6>$tag" > /dev/kmsg
"$root/usr/sbin/klogd" -o -n -f "$root/package-test.out" 2>/dev/null || fail "packaged klogd failed"
grep -q "$tag" "$root/package-test.out" || fail "packaged klogd did not read /dev/kmsg"
# the packaged klogd loads its debuginfo plugin from the package's folder, not the build tree's
data=$build/tests/data/source
if [[ -f $data/vmlinux-test ]]; then
  out=$(cd / && "$root/usr/sbin/klogd" --decode "$data/warn.log" --debuginfo "$data/vmlinux-test" 2>&1) ||
    fail "packaged klogd --decode --debuginfo: $out"
  grep -q 'kernel/frames.c:18' <<<"$out" || fail "packaged klogd gave no source line: $out"
fi
# klogd incidents reads the journal through the package's journal plugin (0: listed, 1: none)
out=$(cd / && "$root/usr/sbin/klogd" incidents --no-pager 2>&1) && rc=0 || rc=$?
((rc <= 1)) || fail "packaged klogd incidents (exit $rc): $out"
! grep -q 'cannot be loaded' <<<"$out" || fail "packaged klogd incidents: $out"
unit=$root/lib/systemd/system/klogd.service
grep -q '^LogsDirectory=klogd' "$unit" || fail "unit: no LogsDirectory for -f /var/log/klogd/..."
grep -q '^CPUSchedulingPolicy=fifo' "$unit" && grep -q '^RestrictRealtime=yes' "$unit" || fail "unit: reader priority"
grep -q '^RuntimeDirectoryPreserve=yes' "$unit" || fail "unit: the restart point does not survive a restart"
grep -q '^LogRateLimitIntervalSec=0' "$unit" || fail "unit: journald rate-limits the kernel's records"
# systemd-analyze checks the commands a unit names exist: the unit as if installed, pointing at
# the unpacked binary
sed "s|/usr/sbin/klogd|$root/usr/sbin/klogd|" "$unit" >"$root/klogd.service"
out=$(systemd-analyze verify "$root/klogd.service" 2>&1 | grep -v 'man klogd' || true)
[[ -z $out ]] || fail "systemd-analyze verify: $out"
echo "package test passed: $deb (checked unpacked, not installed)"
