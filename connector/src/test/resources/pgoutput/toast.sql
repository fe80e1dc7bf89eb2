-- An update that leaves a TOASTed column untouched: pgoutput sends it as 'u'.
CREATE TABLE docs (id int PRIMARY KEY, title text, body text);
ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
INSERT INTO docs SELECT 1, 'first', string_agg(md5(i::text), '') FROM generate_series(1, 300) i;
UPDATE docs SET title = 'renamed' WHERE id = 1;
