import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The feed records reopened and deleted todos too. */
export class ActivityReopenDelete1764230900002 implements MigrationInterface {
  name = 'ActivityReopenDelete1764230900002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE activity_feed DROP CONSTRAINT IF EXISTS activity_feed_change_check,
        ADD CONSTRAINT activity_feed_change_check
        CHECK (change IN ('created', 'renamed', 'completed', 'reopened', 'deleted'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM activity_feed WHERE change IN ('reopened', 'deleted')`);
    await runner.query(`
      ALTER TABLE activity_feed DROP CONSTRAINT IF EXISTS activity_feed_change_check,
        ADD CONSTRAINT activity_feed_change_check
        CHECK (change IN ('created', 'renamed', 'completed'))`);
  }
}
