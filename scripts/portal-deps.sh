#!/usr/bin/env bash
# What the portal needs beyond Python, on a fresh machine (make run, make test, CI):
# - Debian packages: espeak-ng (the audio captcha's French voices), chromium (browser tests),
#   npm (the CSS base, Caf connect's test relying party); installed with apt-get when missing and we are root;
# - the CSS base from npm, exactly as gateway/portal/package-lock.json pins it (never committed);
# - the audio captcha's voice files in var/captcha-voices (made once).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v npm >/dev/null || missing+=(npm)
if [ "${PORTAL_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "please install: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

if [ ! -f gateway/portal/node_modules/.package-lock.json ] \
   || [ gateway/portal/package-lock.json -nt gateway/portal/node_modules/.package-lock.json ]; then
  npm ci --prefix gateway/portal --no-audit --no-fund --silent
fi
# Caf connect's independent relying party (openid-client), for the tests and the demonstration
if [ ! -f tests/oidc_rp/node_modules/.package-lock.json ] \
   || [ tests/oidc_rp/package-lock.json -nt tests/oidc_rp/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/oidc_rp --no-audit --no-fund --silent
fi

PYTHONPATH="services/lockout:." .venv/bin/python -m lockout.captcha_voices "${LOCKOUT_CAPTCHA_VOICE_DIR:-var/captcha-voices}"
