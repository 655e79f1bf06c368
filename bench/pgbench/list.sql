SELECT id, title, completed, version, created_at, updated_at FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND completed = false ORDER BY created_at DESC, id DESC LIMIT 50;
