-- Transactions larger than logical_decoding_work_mem (64kB when peeked): streamed under protocol
-- 2+, one committed with a rolled-back savepoint, one aborted entirely.
CREATE TABLE big (id int PRIMARY KEY, payload text);
BEGIN;
INSERT INTO big SELECT i, repeat('x', 20) FROM generate_series(1, 1000) i;
SAVEPOINT s1;
INSERT INTO big SELECT i, repeat('y', 20) FROM generate_series(2001, 3000) i;
ROLLBACK TO SAVEPOINT s1;
INSERT INTO big SELECT i, repeat('z', 20) FROM generate_series(4001, 4200) i;
COMMIT;
BEGIN;
INSERT INTO big SELECT i, 'aborted' FROM generate_series(5001, 6000) i;
ROLLBACK;
INSERT INTO big VALUES (9999, 'after');
