#!/usr/bin/env bash
# Known vulnerabilities of what we ship (make supply-chain, run by .ci/run):
#   - pip-audit over the pinned Python packages (requirements.txt: the image; requirements-dev.txt:
#     the tooling), resolved from the hashed files alone (--disable-pip: nothing is installed);
#   - npm audit over every package-lock.json outside node_modules (the gateway's front end).
# Any known vulnerability fails the step. Each tool asks its registry's vulnerability service
# (pypi.org/pypi/<name>/<version>/json, registry.npmjs.org/-/npm/v1/security/advisories/bulk).
# A service that cannot be reached FAILS the step too: an audit that did not happen is not a
# clean audit. Only SUPPLY_CHAIN_OFFLINE=1, set on purpose where the services are known to be
# out of reach (this project's CI: .ci/run, docs/operations.md), turns that into a skip, said in
# capitals on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OFFLINE=${SUPPLY_CHAIN_OFFLINE:-0}

unreachable() {  # unreachable TOOL SERVICE WHAT: fails, or skips loudly under SUPPLY_CHAIN_OFFLINE=1
    if [ "$OFFLINE" = 1 ]; then
        echo "$1 SKIPPED (SUPPLY_CHAIN_OFFLINE=1): $2 is not reachable from this machine;" \
            "$3 were NOT audited for known vulnerabilities." >&2
    else
        echo "$1 FAILED: $2 is not reachable from this machine, so $3 could not be audited." \
            "Reach it (proxy, mirror), or set SUPPLY_CHAIN_OFFLINE=1 to skip the audit knowingly." >&2
        status=1
    fi
}

reachable() {  # reachable METHOD URL [BODY]: the service answers 200
    "$PY" - "$@" <<'PYTHON'
import sys, urllib.request
method, url, *body = sys.argv[1:]
data = body[0].encode() if body else None
request = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:
    sys.exit(1)
PYTHON
}

status=0
if reachable GET https://pypi.org/pypi/pip/24.0/json; then
    echo "pip-audit: requirements.txt and requirements-dev.txt"
    .venv/bin/pip-audit --progress-spinner off --disable-pip --require-hashes \
        --requirement requirements.txt --requirement requirements-dev.txt || status=1
else
    unreachable PIP-AUDIT "PyPI's vulnerability service (https://pypi.org/pypi/<name>/<version>/json)" \
        "the Python packages (requirements.txt, requirements-dev.txt)"
fi

mapfile -t locks < <(find . -name package-lock.json -not -path '*/node_modules/*' -not -path './.venv/*' | sort)
if [ ${#locks[@]} -eq 0 ]; then
    echo "npm audit: no package-lock.json in the repository, nothing to audit"
elif ! command -v npm >/dev/null; then
    echo "NPM AUDIT SKIPPED: npm is not installed; ${locks[*]} NOT audited." >&2
    status=1
elif reachable POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk '{}'; then
    for lock in "${locks[@]}"; do
        echo "npm audit: $lock"
        (cd "$(dirname "$lock")" && npm audit --package-lock-only --audit-level=low) || status=1
    done
else
    unreachable "NPM AUDIT" \
        "the npm registry's audit service (https://registry.npmjs.org/-/npm/v1/security/advisories/bulk)" \
        "${locks[*]}"
fi
exit $status
