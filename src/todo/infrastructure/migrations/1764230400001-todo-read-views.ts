import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The todo read side, `todo_read_views`, kept by the inline projection. Databases migrated
 * before the todo module owned its table got it from `InitialSchema1764230400000`; there this
 * finds everything in place and changes nothing.
 */
export class TodoReadViews1764230400001 implements MigrationInterface {
  name = 'TodoReadViews1764230400001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS todo_read_views (
        id UUID PRIMARY KEY,
        title TEXT NOT NULL,
        completed BOOLEAN NOT NULL DEFAULT FALSE,
        version BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`);
    // Lists are newest first, optionally filtered by `completed`; id breaks ties so the order
    // is total and stable.
    await runner.query(`
      CREATE INDEX IF NOT EXISTS todo_read_views_created_idx
      ON todo_read_views (created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS todo_read_views_completed_created_idx
      ON todo_read_views (completed, created_at DESC, id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS todo_read_views`);
  }
}
