#!/usr/bin/env bash
# The OpenID Connect provider the OIDC tests start on loopback (panva's oidc-provider, Node.js):
# npm ci into tests/support/oidc_provider when node_modules is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/../tests/support/oidc_provider"
if ! command -v npm >/dev/null 2>&1; then
  echo "setup-oidc-provider: npm is not installed (scripts/setup-system.sh installs Node.js)" >&2
  exit 1
fi
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
