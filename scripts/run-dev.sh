#!/usr/bin/env bash
# `make run`: the four services, the portal on http://localhost:8080 (and Caf connect's back-channel
# logout sender), the development mailbox
# (SMTP 2525, SMS gateway 8025, read at http://localhost:8080/dev/messages), the agents' console
# on http://localhost:8092 and its development agents' provider on http://localhost:8093 (the
# services verify the agents' tokens it issues), in one terminal.
# Ctrl-C stops everything. Development only: every variable below can be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."

export ENVIRONMENT="${ENVIRONMENT:-development}"
export SMTP_HOST="${SMTP_HOST:-127.0.0.1}" SMTP_PORT="${SMTP_PORT:-2525}" SMTP_SECURITY="${SMTP_SECURITY:-none}"
export SMS_GATEWAY_URL="${SMS_GATEWAY_URL:-http://127.0.0.1:8025/sms}"
export GATEWAY_DEV_MAILBOX="${GATEWAY_DEV_MAILBOX:-true}"
export FRANCECONNECT_REDIRECT_URIS="${FRANCECONNECT_REDIRECT_URIS:-http://localhost:8080/franceconnect/retour}"
# Caf connect's demonstration client (`make oidc-demo`, docs/oidc-provider.md), unless a registry
# is given: a public client, not first party (the consent page shows), PKCE, loopback redirect.
export GATEWAY_API_CLIENTS="${GATEWAY_API_CLIENTS:-{\"appli-demo\": {\"type\": \"public\", \"name\": \"Démonstration Caf connect\", \"scopes\": [\"openid\", \"profile\", \"household\"], \"redirect_uris\": [\"http://127.0.0.1:8090/callback\"], \"post_logout_redirect_uris\": [\"http://127.0.0.1:8090/logged-out\"]}}}"
PY=.venv/bin/python
# The agents' console and the development agents' provider (console/dev/; docs/console.md)
export CONSOLE_DEV_PROVIDER_PORT="${CONSOLE_DEV_PROVIDER_PORT:-8093}"
export CONSOLE_OIDC_ISSUER="${CONSOLE_OIDC_ISSUER:-http://localhost:$CONSOLE_DEV_PROVIDER_PORT}"
export AGENT_TOKEN_ISSUER="${AGENT_TOKEN_ISSUER:-$CONSOLE_OIDC_ISSUER}"
export AGENT_TOKEN_JWKS_URI="${AGENT_TOKEN_JWKS_URI:-$AGENT_TOKEN_ISSUER/jwks}"
export AGENT_TOKEN_ACR_VALUES="${AGENT_TOKEN_ACR_VALUES:-mfa}"
AGENT_ROLE_METHODS="${AGENT_ROLE_METHODS:-$($PY -m console.dev.agents_provider --role-table)}"
export AGENT_ROLE_METHODS

children=()
stop() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

$PY -m gateway.dev.mailbox &
children+=($!)
$PY -m gateway &
children+=($!)
# Caf connect's back-channel logout sender (gateway/oidc/backchannel.py): health and metrics on 8085
BACKCHANNEL_HTTP_PORT="${BACKCHANNEL_HTTP_PORT:-8085}" $PY -m gateway.oidc.backchannel &
children+=($!)
$PY -m console.dev.agents_provider &
children+=($!)
$PY -m console &
children+=($!)
url="${GATEWAY_PUBLIC_URL:-http://localhost:${GATEWAY_PORT:-8080}}"
echo
echo "  Mon Compte (démonstration) : $url"
echo "  Boîte de réception de développement : $url/dev/messages"
echo "  Console des agents : ${CONSOLE_PUBLIC_URL:-http://localhost:${CONSOLE_PORT:-8092}}"
echo "    (claire.dupont / Accueil-Caf-2026 ou marc.petit / Gestion-Caf-2026, code 123456)"
echo
$PY -m shared.runtime.runner --dev-ports "$@" &
children+=($!)
wait -n "${children[@]}"
