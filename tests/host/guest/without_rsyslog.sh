# The package on a Debian 12 host without rsyslog (the journal alone): enabled and running after
# the next boot, addresses translated, every kernel record once in the journal; and the unit's
# exposure as systemd-analyze security rates it on the running system.

boot_1() {
  dpkg --purge rsyslog >$io/dpkg.log 2>&1
  check "rsyslog is not installed" bash -c "! dpkg -s rsyslog >/dev/null 2>&1"
  install_package || return 0
  need "klogd is running after dpkg -i" wait_for active || return 0
  keep_log
  NEXT=reboot
}

boot_2() {
  need "klogd is running after the next boot" wait_for active || return 0
  check "klogd is enabled" systemctl is-enabled -q klogd
  check_quiet_start
  check_translation
  check_kernel_records_once
  check_once
  check_no_duplicates "a boot without rsyslog"
  check_privileges
  check_exposure
  keep_log
  NEXT=poweroff
}
