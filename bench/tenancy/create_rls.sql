BEGIN \; SELECT set_config('todo.tenant', 'default', true), set_config('todo.subject', '', true);
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at) VALUES (gen_random_uuid(), 'new', false, 1, now(), now());
COMMIT;
