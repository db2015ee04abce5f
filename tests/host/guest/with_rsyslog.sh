# The package on a Debian 12 host with rsyslog, as an admin installs it: enabled and running,
# addresses translated, every kernel record once in the journal and once in syslog, restarts,
# kill -9, an upgrade and the watchdog resuming exactly where klogd stopped, its own warnings at
# warning priority, a burst all in the journal, CAP_SYSLOG only and a SCHED_FIFO reader; a real
# panic whose incident arrives once, in the journal and at a collector, in the next boot and
# never again; purge leaving nothing behind.

boot_1() {
  check "rsyslog is installed" dpkg -s rsyslog
  install_package || return 0
  need "klogd is running after dpkg -i" wait_for active || return 0
  check "klogd is enabled after dpkg -i" systemctl is-enabled -q klogd
  check "rsyslog is still installed beside klogd" dpkg -s rsyslog
  check_translation
  check_once syslog
  check_privileges
  check_no_duplicates "first start"

  local pid
  pid=$(main_pid)
  systemctl restart klogd
  wait_for active
  check_once
  check_no_duplicates "systemctl restart"

  pid=$(main_pid)
  kill -9 "$pid"
  check "kill -9: restarted by systemd" wait_for bash -c "[[ \$(systemctl show -p MainPID --value klogd) != $pid && \$(systemctl show -p MainPID --value klogd) != 0 ]] && systemctl is-active -q klogd"
  check_once
  check_no_duplicates "kill -9 and Restart="

  pid=$(main_pid)
  dpkg -i $io/klogd.deb >>$io/dpkg.log 2>&1
  check "upgrade: restarted by the package" bash -c "[[ \$(systemctl show -p MainPID --value klogd) != $pid ]]"
  wait_for active
  check_once
  check_no_duplicates "a package upgrade"

  # the watchdog: klogd stalled, killed and restarted by systemd; what came meanwhile delivered
  mkdir -p /etc/systemd/system/klogd.service.d
  printf '[Service]\nWatchdogSec=6\n' >/etc/systemd/system/klogd.service.d/watchdog.conf
  systemctl daemon-reload
  systemctl restart klogd
  wait_for active
  pid=$(main_pid)
  local tag="klogd-host-stalled-$RANDOM"
  kill -STOP "$pid"
  for n in 1 2 3 4 5; do inject "$tag $n"; done
  check "the watchdog restarted a stalled klogd" wait_for bash -c "[[ \$(systemctl show -p MainPID --value klogd) != $pid ]] && systemctl is-active -q klogd"
  wait_for bash -c "(( \$(journalctl -b 0 -o cat | grep -cF '$tag') >= 5 ))"
  journal_settled
  expect "what came while klogd was stalled, each once" "$(journalctl -b 0 -o cat | grep -cF "$tag")" 5
  check_no_duplicates "the watchdog's restart"
  rm /etc/systemd/system/klogd.service.d/watchdog.conf
  systemctl daemon-reload

  # klogd's own warnings at warning priority: a collector that is not there
  echo 'KLOGD_OPTIONS="--forward tcp://127.0.0.1:9"' >/etc/default/klogd
  systemctl restart klogd
  wait_for bash -c "journalctl -b 0 -u klogd -p warning -o cat | grep -q '127.0.0.1:9'"
  check "klogd's warnings at warning priority (journalctl -p warning)" \
    bash -c "journalctl -b 0 -u klogd -p warning -o cat | grep -q '127.0.0.1:9'"
  check "klogd's info lines not at warning priority" \
    bash -c "! journalctl -b 0 -u klogd -p warning -o cat | grep -q 'output: journald'"

  # a burst: 20,000 records, all of them in the journal
  local btag="klogd-host-burst-$RANDOM"
  burst "$btag" 20000
  wait_for bash -c "(( \$(journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -cF '$btag ') >= 20000 ))"
  journal_settled
  expect "a burst of 20,000 records, all in the journal" \
    "$(journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -cF "$btag ")" 20000
  check "journald suppressed none of klogd's" bash -c "! journalctl -b 0 -u systemd-journald -o cat | grep -q 'Suppressed.*klogd'"
  check_no_duplicates "a burst"

  # a collector (rsyslog's imtcp on loopback) for the panic's incident
  cat >/etc/rsyslog.d/50-collector.conf <<'CONF'
module(load="imtcp")
input(type="imtcp" port="10514" address="127.0.0.1" ruleset="collector")
ruleset(name="collector") {
  action(type="omfile" file="/var/log/collector.log" template="RSYSLOG_SyslogProtocol23Format")
}
CONF
  systemctl restart rsyslog
  echo 'KLOGD_OPTIONS="--forward tcp://127.0.0.1:10514"' >/etc/default/klogd
  systemctl restart klogd
  wait_for active
  local ctag="klogd-host-collector-$RANDOM"
  inject "$ctag"
  check "the collector gets klogd's records" wait_for grep -qF "$ctag" /var/log/collector.log
  keep_log
  # the next boot's syslog is checked alone: where this boot's ends
  stat -c %s /var/log/syslog >$io/syslog-offset
  sync
  info "crashing the kernel (sysrq c): ramoops keeps the panic for the next boot"
  NEXT=crash
}

boot_2() {
  need "klogd is running after the next boot" wait_for active || return 0
  check "klogd is enabled after the next boot" systemctl is-enabled -q klogd
  check_quiet_start
  local id=962f7587ffba4a1b8ebb64e1e54eae2c
  wait_for bash -c "journalctl -b 0 MESSAGE_ID=$id KLOGD_BOOT=previous -o cat | grep -q 'sysrq triggered crash'"
  journal_settled
  journalctl -b 0 MESSAGE_ID=$id -o verbose >$io/incidents-boot2.log 2>&1
  expect "the previous boot's panic, once in the journal" \
    "$(journalctl -b 0 MESSAGE_ID=$id KLOGD_BOOT=previous -o cat | grep -c 'sysrq triggered crash')" 1
  wait_for grep -q 'sysrq triggered crash' /var/log/collector.log
  sleep 2
  expect "the previous boot's panic, once at the collector" \
    "$(grep -c 'incident@.*sysrq triggered crash' /var/log/collector.log)" 1
  tail -c +$(($(cat $io/syslog-offset) + 1)) /var/log/syslog >/var/log/syslog-boot2
  SYSLOG=/var/log/syslog-boot2 check_kernel_records_once syslog
  check_once syslog
  check_no_duplicates "the next boot"
  keep_log
  NEXT=reboot
}

boot_3() {
  check "klogd is running in the third boot" wait_for active
  sleep 5
  journal_settled
  local id=962f7587ffba4a1b8ebb64e1e54eae2c
  expect "the panic is not told again in the boot after" \
    "$(journalctl -b 0 MESSAGE_ID=$id KLOGD_BOOT=previous -o cat | grep -c 'sysrq triggered crash')" 0
  expect "the panic still once at the collector" \
    "$(grep -c 'incident@.*sysrq triggered crash' /var/log/collector.log)" 1
  cp /var/log/collector.log $io/collector.log
  keep_log

  # purge: nothing left behind, and the other daemons as they were
  dpkg --purge klogd >>$io/dpkg.log 2>&1
  check "dpkg --purge klogd" bash -c "! dpkg -s klogd >/dev/null 2>&1"
  local p left=""
  for p in /etc/klogd.conf /etc/default/klogd /var/lib/klogd /var/log/klogd /var/cache/klogd \
    /run/klogd /lib/systemd/system/klogd.service /etc/systemd/system/multi-user.target.wants/klogd.service \
    /usr/sbin/klogd; do
    [[ -e $p ]] && left+=" $p"
  done
  left+=$(find /etc /usr/lib /lib -name '*klogd*' 2>/dev/null | grep -v klogd-host | tr '\n' ' ')
  expect "purge leaves no file behind" "${left:-none}" none
  check "purge removes the klogd user" bash -c "! getent passwd klogd"
  local tag="klogd-host-after-purge-$RANDOM"
  inject "$tag"
  check "after purge journald reads the kernel log again" wait_for bash -c "journalctl -k -b 0 -o cat | grep -qF '$tag'"
  # the kernel's own records (imklog takes only facility kern here) in syslog again
  local before
  before=$(grep -ac 'drop_caches: 3' /var/log/syslog)
  echo 3 >/proc/sys/vm/drop_caches
  check "after purge rsyslog's imklog logs the kernel's records again" \
    wait_for bash -c "(( \$(grep -ac 'drop_caches: 3' /var/log/syslog) > $before ))" ||
    { tail -200 /var/log/syslog >$io/syslog-after-purge.log; ls -la /etc/rsyslog.d >>$io/syslog-after-purge.log; }
  NEXT=poweroff
}
