-- Non-built-in types are named by Type messages before the Relation that uses them.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE embeddings (id uuid PRIMARY KEY, feeling mood, embedding vector(3), meta jsonb, raw bytea, at date);
INSERT INTO embeddings VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'happy', '[1,2.5,-3]', '{"k": [1, null]}', '\xdeadbeef', '2024-02-29');
