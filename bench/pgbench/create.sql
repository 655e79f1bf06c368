BEGIN;
INSERT INTO events (aggregate_id, sequence, event_type, payload) VALUES (gen_random_uuid(), 1, 'TodoCreated', '{"title": "buy milk"}') RETURNING aggregate_id \gset
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at) VALUES (:aggregate_id, 'buy milk', false, 1, now(), now());
COMMIT;
