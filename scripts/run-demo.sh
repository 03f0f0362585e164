#!/usr/bin/env bash
# One command: set up, migrate, load the demo organisation and serve on the embedded defaults
# (SQLite in ./data, in-process bus). Address and demo logins are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f web_client/package.json ] && command -v npm >/dev/null 2>&1; then
  bash scripts/build-web.sh || echo "web client build failed; the API still runs" >&2
fi
export NARA_DATA_DIR=${NARA_DATA_DIR:-data}
.venv/bin/nara db upgrade
.venv/bin/nara demo
echo "Open http://${NARA_HOST:-127.0.0.1}:${NARA_PORT:-8080}/ (stop with Ctrl-C)"
exec .venv/bin/nara serve
