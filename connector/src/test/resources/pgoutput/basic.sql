-- Insert, update (key kept and key changed), delete under REPLICA IDENTITY DEFAULT.
CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2), tags text[], seen timestamptz);
INSERT INTO items VALUES (1, 'apple', 1.50, '{red,"green apple",NULL}', '2024-01-02 03:04:05.123456+00');
INSERT INTO items VALUES (2, NULL, 'NaN', '{}', NULL);
UPDATE items SET name = 'apricot' WHERE id = 1;
UPDATE items SET id = 3 WHERE id = 2;
DELETE FROM items WHERE id = 1;
