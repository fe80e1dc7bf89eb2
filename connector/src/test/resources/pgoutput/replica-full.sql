-- REPLICA IDENTITY FULL: updates and deletes carry the whole old row ('O').
CREATE TABLE accounts (id bigint, owner text, balance double precision);
ALTER TABLE accounts REPLICA IDENTITY FULL;
INSERT INTO accounts VALUES (10, 'ann', 'Infinity'), (11, 'bob', -0.5);
UPDATE accounts SET balance = 7.25 WHERE id = 10;
DELETE FROM accounts WHERE id = 11;
