#!/usr/bin/env bash
# Makes a freshly bootstrapped root a host the tests can drive: the root file system, a
# persistent journal, no getty on the serial console (so that systemd's status lines reach it),
# and the test driver unit, which at every boot runs the scenario found on the second disk.
set -euo pipefail
root=$1
echo klogdhost >"$root/etc/hostname"
printf '127.0.1.1 klogdhost\n' >>"$root/etc/hosts"
printf 'LABEL=klogd-host / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
mkdir -p "$root/var/log/journal"
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
# no network in the guest: nothing waits for it
ln -sf /dev/null "$root/etc/systemd/system/systemd-networkd-wait-online.service"
cat >"$root/etc/systemd/system/klogd-host-test.service" <<'UNIT'
[Unit]
Description=klogd host test driver (the scenario on the second disk)
After=multi-user.target
[Service]
Type=simple
ExecStart=/bin/sh -c 'mkdir -p /mnt/io && mount /dev/vdb /mnt/io && exec /bin/bash /mnt/io/driver.sh'
StandardOutput=journal+console
StandardError=journal+console
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/klogd-host-test.service \
  "$root/etc/systemd/system/multi-user.target.wants/klogd-host-test.service"
