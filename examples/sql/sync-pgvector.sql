-- public.documents -> embeddings (local all-MiniLM-L6-v2) -> pgvector public.documents_sql_vectors,
-- kept equal to the table through every insert, update and delete: the YAML job of
-- `bin/pgstream demo`, in SQL. public.documents is the table the demo creates.
--
--   export PGSTREAM_DSN="$(bin/pg-local start | tail -n 1)"     # or your own database
--   bin/pgstream demo          # once, to create public.documents; Ctrl-C after the backfill, then
--   bin/pgstream teardown --slot pgstream_demo --publication pgstream_demo_pub   # its slot
--   psql "$PGSTREAM_DSN" -c 'ALTER TABLE public.documents REPLICA IDENTITY FULL'    # once
--   bin/pgstream sql -f examples/sql/sync-pgvector.sql --checkpoint-dir .pgstream/checkpoints/sql
--
-- It runs until stopped (Ctrl-C); with --checkpoint-dir the same command resumes where it stopped.
-- REPLICA IDENTITY FULL makes PostgreSQL send the old row of an update, so an unchanged (TOASTed)
-- title or content is never read as NULL. The version column keeps a replayed older change from
-- replacing a newer row; as it changes with every update, an update of any column re-embeds the
-- row (docs/sql.md, "Unchanged texts"). Search the result with examples/sql/search.sql.

CREATE TABLE documents (
  id      BIGINT,
  title   STRING,
  content STRING,
  version BIGINT METADATA FROM 'lsn_number' VIRTUAL,    -- the change's WAL position
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector'      = 'pgstream',
  'url'            = '${PGSTREAM_DSN}',
  'table-name'     = 'documents',
  'slot.name'      = 'pgstream_sql_documents',
  'changelog-mode' = 'upsert'
);

CREATE MODEL minilm
  INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)
  WITH ('provider' = 'minilm', 'task' = 'embedding');

CREATE TABLE documents_sql_vectors (
  id        BIGINT,
  title     STRING,
  content   STRING,                                     -- the text that was embedded
  embedding ARRAY<FLOAT>,
  version   BIGINT,                                     -- an older change never wins
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector'      = 'pgvector',
  'url'            = '${PGSTREAM_DSN}',
  'table-name'     = 'public.documents_sql_vectors',
  'dimension'      = '384',
  'version-column' = 'version',
  'sink.hnsw'      = 'true'
);

-- ML_PREDICT takes insert-only rows: the changelog becomes rows with an op column, deletes get a
-- NULL text (no model call), and FROM_CHANGELOG turns the rows back into upserts and deletes.
CREATE TEMPORARY VIEW document_texts AS
SELECT id, op, title, version,
       CASE WHEN op = 'DELETE' THEN CAST(NULL AS STRING)
            ELSE title || CHR(10) || CHR(10) || content END AS content
FROM TO_CHANGELOG(input => TABLE documents)
WHERE op <> 'UPDATE_BEFORE';

CREATE TEMPORARY VIEW document_embeddings AS
SELECT id, op, title, content, embedding, version
FROM ML_PREDICT(TABLE document_texts, MODEL minilm, DESCRIPTOR(content),
                MAP['max-concurrent-operations', '64']);      -- lets up to 64 texts share a call

INSERT INTO documents_sql_vectors
SELECT id, title, content, embedding, version
FROM FROM_CHANGELOG(input => TABLE document_embeddings);
