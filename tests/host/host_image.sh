#!/usr/bin/env bash
# The host tests' Debian 12 guest image, made from Debian's packages with mmdebstrap and cached:
#   host_image.sh DEB CACHE_DIR   prints the folder holding base.img, vmlinuz and initrd.img
# The image holds systemd as PID 1, the kernel, rsyslog and the libraries DEB depends on (read
# from its Depends), but not klogd itself: each scenario installs the .deb as an admin does. It is
# rebuilt when its package list or this script changes (the folder's name is their hash).
# Exit 77 when it cannot be made here (no mmdebstrap, no network to Debian's mirror, no space).
set -euo pipefail
deb=$1
cache=$2
here=$(cd "$(dirname "$0")" && pwd)

# The package's own dependencies, as apt would install them (virtual ones named as packages).
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' |
  grep -v '^$' | sort -u | tr '\n' ' ')
packages="systemd-sysv udev dbus linux-image-amd64 initramfs-tools kmod rsyslog procps util-linux $deps"
key=$(printf '%s\n%s\n' "$packages" "$(cat "$0")" | sha256sum | cut -c1-16)
dir=$cache/image-$key
if [[ -f $dir/done ]]; then
  echo "$dir"
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "host image: mmdebstrap is not installed" >&2; exit 77; }
command -v mkfs.ext4 >/dev/null || { echo "host image: mkfs.ext4 is not installed" >&2; exit 77; }
mkdir -p "$cache"
free_kb=$(df -Pk "$cache" | awk 'NR==2 {print $4}')
((free_kb > 4 * 1024 * 1024)) || { echo "host image: less than 4 GiB free in $cache" >&2; exit 77; }
rm -rf "$cache"/image-* "$cache"/tmp-image
tmp=$cache/tmp-image
mkdir -p "$tmp"
include=$(echo "$packages" | tr ' ' ',' | sed 's/,$//; s/,,*/,/g')
# The initramfs: only what the guest needs to mount its root (Debian's default one is 36 MB,
# and QEMU puts it at the top of RAM), and ramoops. Written before the packages install.
setup='mkdir -p "$1/etc/initramfs-tools/conf.d"; printf "MODULES=list\nCOMPRESS=gzip\n" > "$1/etc/initramfs-tools/conf.d/klogd-host-test"; printf "virtio_pci\nvirtio_blk\next4\nramoops\n" > "$1/etc/initramfs-tools/modules"'
if ! mmdebstrap --variant=apt --dpkgopt=force-confdef --dpkgopt=force-confold \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --include="$include" --essential-hook="$setup" bookworm "$tmp/root.tar" >"$tmp/mmdebstrap.log" 2>&1; then
  tail -20 "$tmp/mmdebstrap.log" >&2
  # not this project's fault: no mirror, no chroot or unshare here (a container): skipped
  echo "host image: mmdebstrap failed here (its log's end above)" >&2
  exit 77
fi
mkdir "$tmp/root"
tar -xf "$tmp/root.tar" -C "$tmp/root"
rm "$tmp/root.tar"
bash "$here/guest/prepare_root.sh" "$tmp/root"
mkdir -p "$tmp/out"
cp "$tmp"/root/boot/vmlinuz-* "$tmp/out/vmlinuz"
cp "$tmp"/root/boot/initrd.img-* "$tmp/out/initrd.img"
mkfs.ext4 -q -L klogd-host -d "$tmp/root" -F "$tmp/out/base.img" 3G >/dev/null
rm -rf "$tmp/root"
mv "$tmp/out" "$dir"
rm -rf "$tmp"
touch "$dir/done"
echo "$dir"
