-- Grows the read model to $1 rows (read-only rows for the list scenarios; half completed). The
-- rows are the same in every database it fills (ids and times from the row number), so two builds
-- compared in one run list the same pages.
INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
SELECT md5('filler' || g)::uuid, 'filler ' || g, g % 2 = 0, 1, ts, ts
FROM (SELECT g, now() - interval '1 day' - ((g * 7919) % 2592000) * interval '1 second' AS ts
      FROM generate_series(1, $1::int - (SELECT count(*) FROM todo_read_views)) g) s;
