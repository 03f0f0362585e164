#!/usr/bin/env bash
# Generate web_client/src/api.gen.ts (TypeScript types) from the OpenAPI document the server's
# routes declare (server/api/openapi_dump.py), with openapi-typescript (web_client/codegen/).
#   scripts/api-types.sh          write the file
#   scripts/api-types.sh --check  fail, with a diff, when the file in the tree is stale
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
codegen=web_client/codegen
target=web_client/src/api.gen.ts
if [ ! -x "$py" ]; then
  echo "api-types: $py is missing (scripts/setup.sh creates it)" >&2
  exit 1
fi
stamp=$codegen/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ $codegen/package-lock.json -nt "$stamp" ]; then
  (cd $codegen && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -m server.api.openapi_dump "$tmp/openapi.json"
"$codegen/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" -o "$tmp/api.gen.ts" \
  >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$tmp/api.gen.ts" "$target"; then
    diff -u "$target" "$tmp/api.gen.ts" | head -60 >&2 || true
    echo "api-types: $target is stale: run scripts/api-types.sh and commit it" >&2
    exit 1
  fi
  exit 0
fi
if ! cmp -s "$tmp/api.gen.ts" "$target"; then
  cp "$tmp/api.gen.ts" "$target"
  echo "api-types: wrote $target"
fi
