# Helpers for the scenarios, in the guest. Results go to /mnt/io/results.txt, one line each:
# "PASS what", "FAIL what: why", "INFO what"; what a scenario wants kept goes to /mnt/io/*.log.
io=/mnt/io
pass() { echo "PASS $*" >>$io/results.txt; sync; }
fail() { echo "FAIL $*" >>$io/results.txt; sync; }
info() { echo "INFO $*" >>$io/results.txt; sync; }
# check WHAT COMMAND...: PASS or FAIL by the command's status
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; return 1; fi
}
# need WHAT COMMAND...: as check, and on failure what klogd said is kept and false is returned
# (the step ends: nothing after it could be checked)
need() {
  local what=$1
  shift
  if "$@"; then
    pass "$what"
  else
    fail "$what"
    keep_log
    systemctl status klogd --no-pager >$io/status.log 2>&1
    return 1
  fi
}
# expect WHAT GOT WANT: PASS when equal, else FAIL saying both
expect() {
  if [[ $2 == "$3" ]]; then pass "$1 ($2)"; else fail "$1: got $2, wanted $3"; return 1; fi
}
# until COMMAND... holds, or 90 s (under TCG everything is slow)
wait_for() {
  local i
  for i in $(seq 180); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}
active() { systemctl is-active -q klogd; }
main_pid() { systemctl show -p MainPID --value klogd; }
# a record into the kernel's log (a new open each: devkmsg's rate limit is per open file)
inject() { printf '<%s>%s\n' "${2:-6}" "$1" >/dev/kmsg; }
# how many journal entries of klogd's hold TEXT in their MESSAGE, this boot
in_journal() { journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel 2>/dev/null | grep -cF -- "$1"; }
# KERNEL_SEQNUMs in the journal more than once, this boot
seq_duplicates() {
  journalctl -b 0 -o export SYSLOG_IDENTIFIER=kernel 2>/dev/null | grep '^KERNEL_SEQNUM=' |
    sort | uniq -d | wc -l
}
seq_count() {
  journalctl -b 0 -o export SYSLOG_IDENTIFIER=kernel 2>/dev/null | grep -c '^KERNEL_SEQNUM='
}
# journald has written what it received
journal_settled() { journalctl --sync >/dev/null 2>&1 || true; }
keep_log() { journalctl -b 0 -u klogd --no-pager -o short-monotonic >$io/klogd-boot$(cat $io/boot).log 2>&1; }
# The scenarios' shared checks.

# false when dpkg refused it: the scenario ends there (nothing else can be checked)
install_package() {
  if dpkg -i $io/klogd.deb >$io/dpkg.log 2>&1; then
    pass "dpkg -i klogd.deb"
  else
    fail "dpkg -i klogd.deb (dpkg.log)"
    return 1
  fi
}

# A core and a module address from this kernel's kallsyms, in a record of its own: klogd names
# both, under the shipped unit's sandbox.
check_translation() {
  local core mod modname tag
  core=$(awk '$3 == "vfs_write" {print $1; exit}' /proc/kallsyms)
  read -r mod modname < <(awk '$4 == "[ext4]" && ($2 == "t" || $2 == "T") {print $1, $3; exit}' /proc/kallsyms)
  tag="klogd-host-translate-$RANDOM"
  inject "$tag: [<$core>] [<$mod>]" 4
  if ! wait_for bash -c "journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -qF '$tag'"; then
    fail "translation: the record never reached the journal"
    return
  fi
  local line
  line=$(journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -F "$tag" | tail -1)
  info "translated: $line"
  check "a core address translated in the journal (vfs_write)" grep -qF "vfs_write+0x0/" <<<"$line"
  check "a module address translated in the journal ($modname [ext4])" grep -qF "$modname+0x0/" <<<"$line"
}

# One record, once in the journal and (when `syslog` is given) once in /var/log/syslog.
check_once() {
  local tag="klogd-host-once-$RANDOM$RANDOM"
  inject "$tag"
  wait_for bash -c "journalctl -b 0 -o cat | grep -qF '$tag'"
  sleep 2
  journal_settled
  expect "a record once in the journal" "$(journalctl -b 0 -o cat | grep -cF "$tag")" 1
  if [[ ${1:-} == syslog ]]; then
    wait_for grep -qF "$tag" /var/log/syslog
    expect "a record once in syslog" "$(grep -cF "$tag" /var/log/syslog)" 1
  fi
}

check_no_duplicates() {
  journal_settled
  expect "$1: every KERNEL_SEQNUM once in the journal ($(seq_count) records)" "$(seq_duplicates)" 0
}

# The kernel's own records of this boot: once in the journal (klogd's, not journald's own
# reading of /dev/kmsg) and, with rsyslog, once in syslog.
check_kernel_records_once() {
  journal_settled
  expect "journald reads no kernel record itself (journalctl -k -b 0)" \
    "$(journalctl -k -b 0 -o cat 2>/dev/null | grep -vc '^-- ')" 0
  wait_for bash -c "journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -q 'Linux version'"
  expect "the boot's Linux version line once in the journal" \
    "$(journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -c '^Linux version')" 1
  if [[ ${1:-} == syslog ]]; then
    local log=${SYSLOG:-/var/log/syslog}
    # (journald forwards klogd's records as "kernel[PID]: ", imklog wrote "kernel: ")
    expect "the boot's Linux version line once in syslog" \
      "$(grep -acE 'kernel(\[[0-9]+\])?: Linux version' "$log")" 1 || cp "$log" $io/syslog-checked.log
    # a kernel record of now: the kernel's own line when caches are dropped
    echo 1 >/proc/sys/vm/drop_caches
    wait_for bash -c "journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -q 'drop_caches: 1'"
    wait_for grep -q 'drop_caches: 1' /var/log/syslog
    sleep 2
    expect "a kernel record of now once in the journal" \
      "$(journalctl -b 0 -o cat SYSLOG_IDENTIFIER=kernel | grep -c 'drop_caches: 1')" 1
    expect "a kernel record of now once in syslog" \
      "$(tail -c +$(($(cat $io/syslog-offset 2>/dev/null || echo 0) + 1)) /var/log/syslog | grep -ac 'drop_caches: 1')" 1
  fi
}

# a boot's start said without noise: no line per module loaded, no "back" with nothing away
check_quiet_start() {
  expect "no info line per module the boot loads (uevent, reload)" \
    "$(journalctl -b 0 -u klogd -p info -o cat | grep -cE '^(uevent: module|reload: modules)')" 0
  expect "no 'journald is back' when nothing said it was away" \
    "$(journalctl -b 0 -u klogd -p info -o cat | grep -c 'is back: queue drained')" 0
}

check_privileges() {
  local pid fifo=0 other=0 t cap
  pid=$(main_pid)
  cap=$(awk '/^CapEff/ {print $2}' /proc/$pid/status)
  expect "klogd's capabilities after start: CAP_SYSLOG only (CapEff)" "$cap" 0000000400000000
  expect "klogd's permitted capabilities: CAP_SYSLOG only (CapPrm)" \
    "$(awk '/^CapPrm/ {print $2}' /proc/$pid/status)" 0000000400000000
  expect "every thread's capabilities: CAP_SYSLOG at most" \
    "$(cat /proc/$pid/task/*/status | awk '/^CapPrm/ && $2 != "0000000400000000" && $2 != "0000000000000000"' | wc -l)" 0
  for t in /proc/$pid/task/*; do
    if chrt -p "${t##*/}" 2>/dev/null | grep -q SCHED_FIFO; then fifo=$((fifo + 1)); else other=$((other + 1)); fi
  done
  expect "one thread at SCHED_FIFO, the reader ($other others)" "$fifo" 1
  info "threads: $(ps -L -o tid=,cls=,rtprio=,comm= -p $pid | tr '\n' ';')"
}

# systemd-analyze security of the unit as installed, in a booted system
check_exposure() {
  local line
  line=$(systemd-analyze security klogd.service 2>&1 | tail -1)
  info "systemd-analyze security: $line"
  local level
  level=$(grep -o '[0-9]\+\.[0-9]' <<<"$line" | head -1)
  check "exposure $level at most 2.0" awk -v l="$level" 'BEGIN {exit !(l <= 2.0)}'
}

# `count` records tagged `tag`, written as fast as the shell writes them, in chunks
burst() {
  local tag=$1 count=$2 before
  before=$(cat /proc/sys/kernel/printk_devkmsg)
  echo on >/proc/sys/kernel/printk_devkmsg
  local i=0
  while ((i < count)); do
    { for ((k = 0; k < 1000 && i < count; k++, i++)); do printf '<6>%s %d\n' "$tag" "$i"; done; } >/dev/kmsg
  done
  echo "$before" >/proc/sys/kernel/printk_devkmsg
}
