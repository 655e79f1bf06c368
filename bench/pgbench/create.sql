BEGIN;
INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload) SELECT id, 1, 'todo', 'TodoCreated', jsonb_build_object('todoId', id, 'title', 'buy milk', 'createdAt', to_jsonb(date_trunc('milliseconds', now()))) FROM (SELECT gen_random_uuid() AS id) g RETURNING aggregate_id \gset
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at) VALUES (:aggregate_id, 'buy milk', false, 1, now(), now());
COMMIT;
