#!/usr/bin/env bash
# One command: set up everything the tests need and run them, twice: on the embedded defaults
# (SQLite, in-process bus) and on PostgreSQL + Redis. Lint and type checks run first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup.sh
bash scripts/services.sh
if [ -f web_client/package.json ]; then bash scripts/build-web.sh; fi
bash scripts/setup-oidc-provider.sh  # the OpenID Connect provider of tests/security/test_oidc*

echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
# The two passes share nothing (SQLite files and the in-process bus against their own
# PostgreSQL databases and Redis channels, each with unique names), and much of each pass waits
# on servers, browsers and timers: side by side they take little more than the longer alone.
# Tests that touch neither the database nor the bus (the routing library, file inspection and
# storage) run in the first pass only; running them again would only repeat them.
pg_log=$(mktemp /tmp/nara-tests-pg.XXXX)
DATABASE_URL=${NARA_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
REDIS_URL=${NARA_TEST_REDIS_URL:-redis://127.0.0.1:6379/0} \
  .venv/bin/pytest -q -m "not browser and not janus" \
    --ignore=tests/nlp --ignore=tests/attachments/test_memory.py \
    --ignore=tests/attachments/test_cleaning.py --ignore=tests/attachments/test_inspection.py \
    --ignore=tests/attachments/test_filenames.py --ignore=tests/attachments/test_storage.py \
    "$@" >"$pg_log" 2>&1 &
pg_pid=$!
echo "== tests on the embedded defaults (SQLite, in-process bus); PostgreSQL + Redis beside them"
sqlite_rc=0
env -u DATABASE_URL -u REDIS_URL .venv/bin/pytest -q "$@" || sqlite_rc=$?
pg_rc=0
wait "$pg_pid" || pg_rc=$?
echo "== tests on PostgreSQL + Redis"
cat "$pg_log"
rm -f "$pg_log"
echo "== SQLite pass exit $sqlite_rc, PostgreSQL + Redis pass exit $pg_rc"
[ "$sqlite_rc" = 0 ] && [ "$pg_rc" = 0 ]
