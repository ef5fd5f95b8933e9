#!/usr/bin/env bash
# System packages the tests and benchmarks use (Debian): headless Chromium for
# page tests, Postfix's smtp-sink/smtp-source for the send benchmark, rss2email
# as the ingest baseline, python3-feedparser as an independent feed parser, and
# a CJK font so screenshots of pages show Chinese text instead of empty boxes.
# Postfix itself is never started: a policy-rc.d stops the service from running.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v smtp-sink >/dev/null || [ -x /usr/sbin/smtp-sink ] || need+=(postfix)
command -v r2e >/dev/null || need+=(rss2email)
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || need+=(python3-feedparser)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
