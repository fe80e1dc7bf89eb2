-- Logical decoding messages, transactional and not.
CREATE TABLE t (id int PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1);
SELECT pg_logical_emit_message(true, 'pgstream', 'in a transaction');
COMMIT;
SELECT pg_logical_emit_message(false, 'heartbeat', '');
