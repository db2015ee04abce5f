boot_1() {
  install_package || return 0
  wait_for active
  NEXT=crash
}
boot_2() {
  sleep 10
  { ls -laR /sys/fs/pstore /var/lib/systemd/pstore; systemctl status systemd-pstore --no-pager; journalctl -b 0 -u klogd --no-pager; journalctl -b 0 -u systemd-pstore --no-pager; } > $io/explore.log 2>&1
  fail "explore (see explore.log)"
}
