-- $1 todos with one TodoCreated each, ids md5('agg' || i)::uuid, in the service's own event format.
INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload)
SELECT md5('agg' || i)::uuid, 1, 'todo', 'TodoCreated',
       jsonb_build_object('todoId', md5('agg' || i)::uuid, 'title', 'todo ' || i,
                          'createdAt', to_char((now() - i * interval '1 second') AT TIME ZONE 'UTC',
                                               'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
FROM generate_series(1, $1::int) i;
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
SELECT md5('agg' || i)::uuid, 'todo ' || i, false, 1, now() - i * interval '1 second', now() - i * interval '1 second'
FROM generate_series(1, $1::int) i;
