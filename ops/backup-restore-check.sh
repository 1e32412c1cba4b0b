#!/usr/bin/env bash
# Back up the portal's database with pg_dump, restore the dump into a fresh database with pg_restore, and
# check that every table has the same rows and the same đồng totals. Exits non-zero on any difference.
#
#   DATABASE_URL=postgres://user@host:5432/portal ops/backup-restore-check.sh [dump-file]
#
# The dump (custom format) is kept at the given path (default: var/backups/portal-<timestamp>.dump); the
# scratch database is dropped afterwards. See README "Backup and restore".
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
PY=${PYTHON:-.venv/bin/python}

stamp=$(date +%Y%m%d-%H%M%S)
dump=${1:-var/backups/portal-$stamp.dump}
mkdir -p "$(dirname "$dump")"
base=${DATABASE_URL%/*}
scratch="portal_restore_check_${stamp//-/_}"

echo "==> pg_dump to $dump"
pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"

echo "==> restore into a fresh database $scratch"
psql --quiet "$base/postgres" -c "CREATE DATABASE \"$scratch\""
trap 'psql --quiet "$base/postgres" -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null' EXIT
pg_restore --no-owner --exit-on-error --dbname="$base/$scratch" "$dump"

echo "==> compare row counts and money totals"
before=$(DATABASE_URL=$DATABASE_URL "$PY" manage.py data_totals)
after=$(DATABASE_URL=$base/$scratch "$PY" manage.py data_totals)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "Restore check FAILED: the restored database differs from the original." >&2
  exit 1
fi
tables=$(echo "$before" | grep -c '"rows"')
echo "Restore check passed: $tables tables, same rows and đồng totals. Backup kept at $dump"
