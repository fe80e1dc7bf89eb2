-- One TRUNCATE over two tables with CASCADE and RESTART IDENTITY, then a plain one.
CREATE TABLE parents (id serial PRIMARY KEY);
CREATE TABLE children (id serial PRIMARY KEY, parent int REFERENCES parents);
INSERT INTO parents DEFAULT VALUES;
INSERT INTO children (parent) VALUES (1);
TRUNCATE parents, children RESTART IDENTITY CASCADE;
TRUNCATE children;
