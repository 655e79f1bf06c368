import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The feed records list changes too: a list id, and a todo id only where a todo is involved. */
export class ActivityLists1764231300002 implements MigrationInterface {
  name = 'ActivityLists1764231300002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE activity_feed ADD COLUMN IF NOT EXISTS list_id UUID`);
    await runner.query(`ALTER TABLE activity_feed ALTER COLUMN todo_id DROP NOT NULL`);
    await runner.query(`
      ALTER TABLE activity_feed DROP CONSTRAINT IF EXISTS activity_feed_change_check,
        ADD CONSTRAINT activity_feed_change_check
        CHECK (change IN ('created', 'renamed', 'completed', 'reopened', 'deleted',
                          'list-created', 'list-renamed', 'list-todo-added',
                          'list-todo-removed', 'list-archived'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM activity_feed WHERE list_id IS NOT NULL`);
    await runner.query(`
      ALTER TABLE activity_feed DROP CONSTRAINT IF EXISTS activity_feed_change_check,
        ADD CONSTRAINT activity_feed_change_check
        CHECK (change IN ('created', 'renamed', 'completed', 'reopened', 'deleted'))`);
    await runner.query(`ALTER TABLE activity_feed ALTER COLUMN todo_id SET NOT NULL`);
    await runner.query(`ALTER TABLE activity_feed DROP COLUMN IF EXISTS list_id`);
  }
}
