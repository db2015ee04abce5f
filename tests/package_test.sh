#!/usr/bin/env bash
# Builds the .deb, installs it with dpkg on this machine, runs the installed klogd, checks the
# unit with systemd-analyze, and removes the package again. Needs root.
set -euo pipefail
build=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$build"
rm -f klogd_*.deb
cpack -G DEB >cpack.log 2>&1 || { cat cpack.log; fail "cpack"; }
deb=$(ls klogd_*.deb)
# (grep -q on a pipe would stop reading early: with pipefail the writer's SIGPIPE fails the test)
grep -q 'linux-kernel-log-daemon' <<<"$(dpkg-deb -f "$deb" Provides)" || fail "Provides"
grep -q 'klogd' <<<"$(dpkg-deb -f "$deb" Conflicts)" || fail "Conflicts"
trap 'dpkg -r klogd >/dev/null 2>&1 || true' EXIT
# rsyslog (which other tests run) also provides linux-kernel-log-daemon, and the two conflict as
# Debian's klogd and rsyslog do: on such a machine the install must refuse, then we force it.
force=()
if grep -q 'linux-kernel-log-daemon' <<<"$(dpkg-query -W -f='${Provides}\n' 2>/dev/null)"; then
  if dpkg -i "$deb" >dpkg.log 2>&1; then fail "installed beside another kernel log daemon"; fi
  grep -q 'conflicts with linux-kernel-log-daemon' dpkg.log || { cat dpkg.log; fail "conflict"; }
  echo "another linux-kernel-log-daemon is installed: refused as it should be; forcing"
  force=(--force-conflicts)
fi
dpkg -i "${force[@]}" "$deb" >dpkg.log 2>&1 || { cat dpkg.log; fail "dpkg -i"; }
[[ -x /usr/sbin/klogd ]] || fail "no /usr/sbin/klogd"
grep -q '^klogd 2' <<<"$(/usr/sbin/klogd -v)" || fail "klogd -v"
getent passwd klogd >/dev/null || fail "no klogd user"
[[ -f /etc/klogd.conf && -f /etc/default/klogd ]] || fail "config files"
man -w klogd >/dev/null 2>&1 || [[ -f /usr/share/man/man8/klogd.8 ]] || fail "man page"
tag="klogd-package-test-$$"
echo "<6>$tag" > /dev/kmsg
/usr/sbin/klogd -o -n -f "$build/package-test.out" 2>/dev/null || fail "installed klogd failed"
grep -q "$tag" "$build/package-test.out" || fail "installed klogd did not read /dev/kmsg"
unit=/lib/systemd/system/klogd.service
grep -q '^LogsDirectory=klogd' "$unit" || fail "unit: no LogsDirectory for -f /var/log/klogd/..."
grep -q '^LimitRTPRIO=1' "$unit" && grep -q -- '--reader-priority 1' "$unit" || fail "unit: reader priority"
out=$(systemd-analyze verify "$unit" 2>&1 | grep -v 'man klogd' || true)
[[ -z $out ]] || fail "systemd-analyze verify: $out"
echo "package test passed: $deb"
