-- The documents nearest to a question in public.documents_sql_vectors (written by
-- examples/sql/sync-pgvector.sql), with their cosine similarity (1 = same direction):
--
--   export PGSTREAM_DSN="$(bin/pg-local start | tail -n 1)"
--   bin/pgstream sql -f examples/sql/search.sql
--
-- Edit the question below. It is embedded with the model the sync uses (ML_PREDICT), then
-- VECTOR_SEARCH returns the 5 nearest rows, nearest first: +I[id, score, title].

CREATE MODEL minilm
  INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)
  WITH ('provider' = 'minilm', 'task' = 'embedding');

CREATE TABLE documents_sql_vectors (
  id        BIGINT,
  title     STRING,
  content   STRING,
  embedding ARRAY<FLOAT>,
  version   BIGINT,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector'  = 'pgvector',
  'url'        = '${PGSTREAM_DSN}',
  'table-name' = 'public.documents_sql_vectors'
);

CREATE TEMPORARY VIEW questions AS
SELECT * FROM (VALUES ('How do I alert on replication lag?')) AS q (question);

SELECT id, score, title
FROM ML_PREDICT(TABLE questions, MODEL minilm, DESCRIPTOR(question)) AS q,
     LATERAL TABLE(VECTOR_SEARCH(TABLE documents_sql_vectors, DESCRIPTOR(embedding), q.embedding, 5));
