#!/usr/bin/env bash
# Nightly backup with a restore check: dump, restore into a scratch database, compare
# row counts of stable tables, drop the scratch database. Exit non-zero on any mismatch.
#   DATABASE_URL=postgres://... BACKUP_DIR=/var/backups/orgwork deploy/backup.sh
set -euo pipefail
: "${DATABASE_URL:?}" "${BACKUP_DIR:=/var/backups/orgwork}"
mkdir -p "$BACKUP_DIR"
stamp=$(date +%Y%m%d-%H%M%S)
dump="$BACKUP_DIR/orgwork-$stamp.dump"
pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"
scratch="orgwork_restore_check_$$"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qc "CREATE DATABASE $scratch"
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $scratch"' EXIT
pg_restore --no-owner --dbname="${DATABASE_URL%/*}/$scratch" "$dump"
restored="${DATABASE_URL%/*}/$scratch"
# Tables that rarely change must match; the audit log may have grown since the snapshot.
for table in django_migrations units_unit; do
  a=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM $table")
  b=$(psql "$restored" -Atc "SELECT count(*) FROM $table")
  [ "$a" = "$b" ] || { echo "恢复校验失败：$table 原库 $a 行，恢复后 $b 行" >&2; exit 1; }
done
a=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM audit_auditlog")
b=$(psql "$restored" -Atc "SELECT count(*) FROM audit_auditlog")
[ "$b" -gt 0 ] && [ "$b" -le "$a" ] || { echo "恢复校验失败：审计日志恢复后 $b 行，原库 $a 行" >&2; exit 1; }
echo "备份完成并已通过恢复校验：$dump"
