import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleted todos leave `todo_read_views` (so lists and their indexes never see them) and leave a
 * tombstone here, so reading one answers "deleted" instead of "not found".
 */
export class TodoTombstones1764230900001 implements MigrationInterface {
  name = 'TodoTombstones1764230900001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS todo_tombstones (
        id UUID PRIMARY KEY,
        version BIGINT NOT NULL,
        deleted_at TIMESTAMPTZ NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS todo_tombstones`);
  }
}
