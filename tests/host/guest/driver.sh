#!/bin/bash
# In the guest, at every boot (klogd-host-test.service): the scenario's step for this boot, then
# what it asks for (NEXT=reboot, crash or poweroff).
io=/mnt/io
boot=$(($(cat $io/boot 2>/dev/null || echo 0) + 1))
echo $boot >$io/boot
sync
for f in $io/lib.sh $io/scenario.sh; do
  bash -n "$f" 2>>$io/results.txt || echo "FAIL $f: a syntax error (above)" >>$io/results.txt
done
# shellcheck source=lib.sh
source $io/lib.sh
# shellcheck source=/dev/null
source $io/scenario.sh
NEXT=poweroff
info "boot $boot: $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
if declare -F "boot_$boot" >/dev/null; then
  "boot_$boot" >>$io/scenario.log 2>&1 || fail "boot $boot: the step itself failed"
else
  fail "boot $boot: the scenario has no step for it"
fi
sync
case $NEXT in
  reboot)
    umount $io
    systemctl reboot
    ;;
  crash)
    umount $io
    sync
    echo c >/proc/sysrq-trigger
    ;;
  *)
    echo DONE >>$io/results.txt
    sync
    umount $io
    systemctl poweroff
    ;;
esac
