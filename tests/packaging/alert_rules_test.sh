#!/usr/bin/env bash
# The shipped Prometheus alerting rules (packaging/prometheus/klogd-alerts.yml): promtool checks
# them and runs their unit tests (klogd-alerts.test.yml), and every klogd_ metric they name is one
# klogd exports (lib/metrics). Skipped (77) without promtool (Debian's prometheus package).
set -euo pipefail
src=$1
command -v promtool >/dev/null || { echo "SKIPPED: no promtool"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/packaging/prometheus/klogd-alerts.yml" "$src/tests/packaging/klogd-alerts.test.yml" "$work/"
cd "$work"
promtool check rules klogd-alerts.yml
promtool test rules klogd-alerts.test.yml
for m in $(grep -o 'klogd_[a-z_]*' klogd-alerts.yml | sort -u); do
  grep -rq "\"$m\"" "$src/lib/metrics" || { echo "FAIL: $m is not a metric klogd exports" >&2; exit 1; }
done
echo "alert rules: checked, unit tests passed, every metric exported"
