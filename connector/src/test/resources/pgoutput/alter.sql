-- A Relation message mid-stream: the new shape applies from that point on.
CREATE TABLE evolving (id int PRIMARY KEY, a text);
INSERT INTO evolving VALUES (1, 'one');
ALTER TABLE evolving ADD COLUMN b int;
INSERT INTO evolving VALUES (2, 'two', 2);
ALTER TABLE evolving DROP COLUMN a;
INSERT INTO evolving VALUES (3, 3);
ALTER TABLE evolving RENAME COLUMN b TO c;
ALTER TABLE evolving ALTER COLUMN c TYPE bigint;
INSERT INTO evolving VALUES (4, 4000000000);
