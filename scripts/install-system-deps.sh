#!/usr/bin/env bash
# System packages (Debian) that the tests — and, with --bench, the
# benchmarks — need. Run by `npm test` (its pretest step) and `npm run bench`;
# does nothing when everything is present.
#   tests:  chromium (page and email tests, driven by playwright-core),
#           python3-feedparser (an independent feed parser checks our feeds),
#           fonts-wqy-microhei (screenshots show Chinese text, not boxes),
#           dovecot-imapd (a throwaway IMAP server holds the bounce mailbox;
#           the service is never started: a policy-rc.d stops it)
#           spamassassin (an issue message is scored with its local tests)
#           postgresql (a throwaway cluster per test file checks the
#           PostgreSQL store; the system service is never started)
#   bench:  postfix (its smtp-sink/smtp-source; the service is never started:
#           a policy-rc.d stops it), rss2email (the ingest baseline)
# When it cannot install (not root and no password-less sudo, or no apt-get)
# it stops with one message naming the packages and the command to run.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || need+=(python3-feedparser)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] || need+=(dovecot-imapd)
command -v spamassassin >/dev/null || need+=(spamassassin)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${1:-}" = "--bench" ]; then
  command -v smtp-sink >/dev/null || [ -x /usr/sbin/smtp-sink ] || need+=(postfix)
  command -v r2e >/dev/null || need+=(rss2email)
fi
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
fi
if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null; then
  echo "digest: the tests need these system packages: ${need[*]}" >&2
  echo "digest: install them as root, then run npm test again:  sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "digest: installing system packages for the tests: ${need[*]} (once)" >&2
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
