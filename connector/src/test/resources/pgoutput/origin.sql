-- A transaction replayed from another node carries an Origin message.
CREATE TABLE replicated (id int PRIMARY KEY);
SELECT pg_replication_origin_create('fixture_upstream');
SELECT pg_replication_origin_session_setup('fixture_upstream');
BEGIN;
SELECT pg_replication_origin_xact_setup('0/ABCDEF', now());
INSERT INTO replicated VALUES (1);
COMMIT;
SELECT pg_replication_origin_session_reset();
