\set n random(1, :pool)
SELECT id, title, completed, version, created_at, updated_at FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND id = md5('agg' || :n)::uuid;
