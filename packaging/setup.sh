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
  libboost-dev libboost-program-options-dev libspdlog-dev libsystemd-dev zlib1g-dev
  libssl-dev nettle-dev libre2-dev libiberty-dev libdw-dev libdebuginfod-dev libcap-dev
)
# The test and benchmark libraries, and the real servers and tools the tests start themselves.
test_packages=(catch2 libbenchmark-dev librelp-dev clang libclang-rt-14-dev file systemd rsyslog
  rsyslog-relp rsyslog-openssl openssl dpkg-dev procps util-linux prometheus debuginfod
  libcap2 libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libssl3 libsystemd0 libwrap0
  qemu-system-x86 qemu-utils mmdebstrap e2fsprogs)

wanted=("${packages[@]}")
[[ $mode == test ]] && wanted+=("${test_packages[@]}")
missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == *"install ok installed"* ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# syslog-ng, the second collector the tests forward to: its package conflicts with rsyslog, so
# it is unpacked into .test-tools/ (with the libraries above), never installed.
if [[ $mode == test && ! -x .test-tools/syslog-ng/usr/sbin/syslog-ng ]]; then
  mkdir -p .test-tools
  (
    cd .test-tools
    apt-get download -q syslog-ng-core 2>/dev/null ||
      { apt-get update -q && apt-get download -q syslog-ng-core; }
    dpkg -x syslog-ng-core_*.deb syslog-ng
    rm -f syslog-ng-core_*.deb
  )
fi

jobs=$(nproc)
case $mode in
  run)
    # The daemon only: a newcomer waits for nothing else.
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKLOGD_TESTS=OFF -DKLOGD_BENCH=OFF
    cmake --build build -j"$jobs" --target klogd
    # Foreground, records to stdout, diagnostics to stderr: Ctrl-C stops it.
    exec ./build/daemon/klogd -n -f -
    ;;
  test)
    # 1. The whole suite, -Werror.
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKLOGD_WERROR=ON -DKLOGD_TESTS=ON \
      -DKLOGD_BENCH=ON
    cmake --build build -j"$jobs"
    (cd build && ctest --output-on-failure -j"$jobs")
    # 2. The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (the package
    #    and host tests are left to the plain build: they install that binary).
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKLOGD_WERROR=ON \
      -DKLOGD_SANITIZE=ON -DKLOGD_BENCH=OFF
    cmake --build build-asan -j"$jobs"
    (cd build-asan && ctest --output-on-failure -j"$jobs" -E 'package|^host_')
    # 3. Each libFuzzer target for a bounded time from the committed seeds.
    CXX=clang++ cmake -S . -B build-fuzz -DKLOGD_FUZZ=ON -DKLOGD_WERROR=ON
    cmake --build build-fuzz -j"$jobs"
    for target in kmsg_record symbol_table module_table annotator forward_queue incident pstore \
      source_lines maintainers; do
      corpus=build-fuzz/corpus-$target
      mkdir -p "$corpus"
      echo "fuzz: $target for ${FUZZ_SECONDS:-60} s"
      "build-fuzz/tests/fuzz/${target}_fuzz" -max_total_time="${FUZZ_SECONDS:-60}" \
        -print_final_stats=1 "$corpus" "tests/fuzz/seeds/$target" 2>"$corpus.log" ||
        { tail -50 "$corpus.log"; echo "fuzz: $target FAILED"; exit 1; }
      grep -E 'stat::number_of_executed_units' "$corpus.log" | sed "s/^/fuzz: $target: /"
    done
    echo "fuzz: 9 targets, no crash"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
