#!/usr/bin/env bash
# Build the web client into web_client/dist (served by `nara serve` at / and /assets).
# Installs the npm packages first when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../web_client"
if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is not installed (Node 20+ is needed to build the web client)" >&2
  exit 1
fi
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
# The API types come from the server's OpenAPI document: CI fails on a stale api.gen.ts,
# a local build writes it anew; either way tsc then checks the client against it.
if [ "${CI:-}" = "true" ]; then bash ../scripts/api-types.sh --check; else bash ../scripts/api-types.sh; fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm run --silent build >"$log" 2>&1; then
  cat "$log" >&2
  echo "build-web: the web client build failed" >&2
  exit 1
fi
