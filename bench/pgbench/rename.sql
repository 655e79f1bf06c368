\set n 1 + :client_id + :nc * random(0, :pool / :nc - 1)
SELECT aggregate_id, sequence, event_type, payload FROM events WHERE tenant_id = current_setting('todo.tenant') AND aggregate_id = md5('agg' || :n)::uuid ORDER BY sequence \aset
BEGIN;
\set next :sequence + 1
INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload) VALUES (:aggregate_id, :next, 'todo', 'TodoTitleChanged', jsonb_build_object('todoId', CAST(:aggregate_id AS text), 'title', 'renamed', 'changedAt', to_jsonb(date_trunc('milliseconds', now()))));
UPDATE todo_read_views SET title = 'renamed', version = :next, updated_at = now() WHERE tenant_id = current_setting('todo.tenant') AND id = :aggregate_id;
COMMIT;
