#!/usr/bin/env bash
# promtool (Prometheus's rule checker and rule unit tester) into var/promtool/, for
# tests/operations/test_alert_rules_behaviour.py: Debian's prometheus package, unpacked rather
# than installed, so no Prometheus server is set up or started. Does nothing when it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
target=var/promtool
[ -x "$target/usr/bin/promtool" ] && exit 0
command -v apt-get >/dev/null || { echo "promtool: needs apt-get (Debian)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"  # apt's _apt user writes the download there
( cd "$work" && { apt-get download prometheus >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get download prometheus >/dev/null 2>&1; }; } )
mkdir -p "$target"
dpkg-deb -x "$work"/prometheus_*.deb "$work/unpacked"
install -D -m 0755 "$work/unpacked/usr/bin/promtool" "$target/usr/bin/promtool"
"$target/usr/bin/promtool" --version 2>&1 | head -1
