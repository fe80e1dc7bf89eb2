#!/usr/bin/env bash
# Captures pgoutput fixtures from a real PostgreSQL: for each <scenario>.sql beside this script,
# creates a scratch database and a pgoutput slot, runs the scenario, then peeks the slot once per
# protocol variant and writes <scenario>-v<N>[-binary].hex, one "<lsn> <hex bytes>" line per
# message. Re-run after changing a scenario:
#   connector/src/test/resources/pgoutput/capture.sh "$(bin/pg-local start)"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dsn="${1:?usage: capture.sh <superuser DSN>}"
base="${dsn%/*}"
server_major="$(psql "$dsn" -qAtc "SHOW server_version_num")"
server_major=$((server_major / 10000))

variants() {
  # name|options   (streaming needs protocol 2+, two_phase 3+; binary exists from PG 14)
  echo "v1|'proto_version','1'"
  echo "v1-binary|'proto_version','1','binary','true'"
  echo "v2|'proto_version','2','streaming','on'"
  echo "v2-binary|'proto_version','2','streaming','on','binary','true'"
  echo "v3|'proto_version','3','streaming','on','two_phase','on'"
  echo "v3-binary|'proto_version','3','streaming','on','two_phase','on','binary','true'"
}

for sql in "$here"/*.sql; do
  scenario="$(basename "$sql" .sql)"
  db="fixture_${scenario//-/_}"
  slot="fx_${scenario//-/_}"
  two_phase=false
  if grep -q "^-- two_phase" "$sql"; then two_phase=true; fi
  psql "$dsn" -qAtc "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots WHERE slot_name = '$slot'" >/dev/null
  psql "$dsn" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  psql "$dsn" -qAtc "CREATE DATABASE $db" >/dev/null
  psql "$base/$db" -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS vector;
CREATE PUBLICATION p FOR ALL TABLES;
SELECT pg_create_logical_replication_slot('$slot', 'pgoutput', false, $two_phase);
SQL
  # Logical decoding reads only flushed WAL; the local cluster commits asynchronously.
  PGOPTIONS="-c synchronous_commit=on" psql "$base/$db" -qAt -v ON_ERROR_STOP=1 -f "$sql" >/dev/null
  # A synchronous commit flushes everything before it, non-transactional messages included.
  PGOPTIONS="-c synchronous_commit=on" psql "$base/$db" -qAt -c "SELECT txid_current()" >/dev/null
  while IFS='|' read -r name opts; do
    if [[ "$name" == v3* && "$two_phase" != true ]]; then continue; fi
    if [[ "$name" != v3* && "$two_phase" == true ]]; then continue; fi
    out="$here/${scenario}-${name}.hex"
    PGOPTIONS="-c logical_decoding_work_mem=64kB" psql "$base/$db" -qAt -F ' ' -v ON_ERROR_STOP=1 -c \
      "SELECT lsn, encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('$slot', NULL, NULL,
         'publication_names', 'p', 'messages', 'true', $opts)" > "$out"
    echo "$out: $(wc -l < "$out") messages" >&2
  done < <(variants)
  psql "$dsn" -qAtc "SELECT pg_drop_replication_slot('$slot')" >/dev/null
  psql "$dsn" -qAtc "DROP DATABASE $db WITH (FORCE)" >/dev/null
  psql "$dsn" -qAtc "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname LIKE 'fixture%'" >/dev/null
done
echo "captured from PostgreSQL $server_major" >&2
