-- Grows the read model to $1 rows (read-only rows for the list scenarios; half completed).
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
SELECT gen_random_uuid(), 'filler ' || g, random() < 0.5, 1, ts, ts
FROM (SELECT g, now() - interval '1 day' - random() * interval '30 days' AS ts
      FROM generate_series(1, $1::int - (SELECT count(*) FROM todo_read_views)) g) s;
