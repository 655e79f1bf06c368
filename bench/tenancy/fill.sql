SET todo.tenant = 'default';
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
SELECT md5('agg' || i)::uuid, 'todo ' || i, i % 2 = 0, 1, now() - i * interval '1 second', now() - i * interval '1 second'
FROM generate_series(1, 100000) i;
SET todo.tenant = 'other';
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
SELECT md5('agg' || i)::uuid, 'todo ' || i, i % 2 = 0, 1, now() - i * interval '1 second', now() - i * interval '1 second'
FROM generate_series(1, 100000) i;
CREATE TABLE plain_views AS SELECT id, title, completed, version, created_at, updated_at FROM todo_read_views WHERE tenant_id = 'default';
ALTER TABLE plain_views ADD PRIMARY KEY (id);
CREATE INDEX ON plain_views (created_at DESC, id DESC);
CREATE INDEX ON plain_views (completed, created_at DESC, id DESC);
ANALYZE;
