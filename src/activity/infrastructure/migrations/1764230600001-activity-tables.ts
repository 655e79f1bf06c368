import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The activity module's own read model: per-day counts and a feed of recent changes. */
export class ActivityTables1764230600001 implements MigrationInterface {
  name = 'ActivityTables1764230600001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS activity_daily_counts (
        day DATE PRIMARY KEY,
        created INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0
      )`);
    // Keyed by the event's global position: unique, and the feed's newest-first order.
    await runner.query(`
      CREATE TABLE IF NOT EXISTS activity_feed (
        global_position BIGINT PRIMARY KEY,
        todo_id UUID NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('created', 'renamed', 'completed')),
        title TEXT,
        occurred_at TIMESTAMPTZ NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS activity_feed`);
    await runner.query(`DROP TABLE IF EXISTS activity_daily_counts`);
  }
}
