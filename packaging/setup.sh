#!/usr/bin/env bash
# One-command set-up on Debian 12, as root:
#   bash packaging/setup.sh run    install what is missing, build, run klogd in the foreground
#   bash packaging/setup.sh test   install what is missing, build (-Werror), run every test
# Nothing else needs to be installed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

packages=(
  g++ cmake make pkg-config gzip
  libboost-dev libboost-program-options-dev libspdlog-dev libsystemd-dev
  catch2 libbenchmark-dev libssl-dev librelp-dev
)
# Real servers and tools the tests start themselves.
test_packages=(clang systemd rsyslog rsyslog-relp rsyslog-openssl openssl dpkg-dev procps)

wanted=("${packages[@]}")
[[ $mode == test ]] && wanted+=("${test_packages[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
case $mode in
  run)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build -j"$jobs"
    # Foreground, records to stdout, diagnostics to stderr: Ctrl-C stops it.
    exec ./build/daemon/klogd -n -f -
    ;;
  test)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKLOGD_WERROR=ON
    cmake --build build -j"$jobs"
    (cd build && ctest --output-on-failure -j"$jobs")
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
