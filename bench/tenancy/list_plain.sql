SELECT id, title, completed, version, created_at, updated_at FROM plain_views WHERE completed = false ORDER BY created_at DESC, id DESC LIMIT 50;
