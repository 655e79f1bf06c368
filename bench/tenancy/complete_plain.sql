\set n random(1, 100000)
BEGIN;
UPDATE plain_views SET completed = true, version = version + 1, updated_at = now() WHERE id = md5('agg' || :n)::uuid;
COMMIT;
