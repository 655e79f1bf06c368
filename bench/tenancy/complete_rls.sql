\set n random(1, 100000)
BEGIN \; SELECT set_config('todo.tenant', 'default', true), set_config('todo.subject', '', true);
UPDATE todo_read_views SET completed = true, version = version + 1, updated_at = now() WHERE id = md5('agg' || :n)::uuid;
COMMIT;
