\set n random(1, 100000)
BEGIN \; SELECT set_config('todo.tenant', 'default', true), set_config('todo.subject', '', true);
SELECT id, title, completed, version, created_at, updated_at FROM todo_read_views WHERE id = md5('agg' || :n)::uuid;
COMMIT;
