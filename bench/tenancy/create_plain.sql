BEGIN;
INSERT INTO plain_views (id, title, completed, version, created_at, updated_at) VALUES (gen_random_uuid(), 'new', false, 1, now(), now());
COMMIT;
