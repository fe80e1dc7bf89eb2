-- two_phase
-- Prepared transactions: committed, rolled back, and a large one streamed then prepared.
CREATE TABLE orders (id int PRIMARY KEY, state text);
BEGIN;
INSERT INTO orders VALUES (1, 'prepared');
PREPARE TRANSACTION 'g1';
COMMIT PREPARED 'g1';
BEGIN;
INSERT INTO orders VALUES (2, 'rolled back');
PREPARE TRANSACTION 'g2';
ROLLBACK PREPARED 'g2';
BEGIN;
INSERT INTO orders SELECT i, repeat('s', 20) FROM generate_series(100, 1100) i;
PREPARE TRANSACTION 'g3';
COMMIT PREPARED 'g3';
