import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rotated secret stays valid for a while: deliveries are signed with the new secret and the
 * previous one until `previous_secret_until`, so a receiver can switch to the new secret at its
 * own pace without rejecting a delivery in between.
 */
export class WebhookPreviousSecret1764231400004 implements MigrationInterface {
  name = 'WebhookPreviousSecret1764231400004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE integration_webhooks
        ADD COLUMN IF NOT EXISTS previous_secret TEXT,
        ADD COLUMN IF NOT EXISTS previous_secret_until TIMESTAMPTZ`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE integration_webhooks
        DROP COLUMN IF EXISTS previous_secret,
        DROP COLUMN IF EXISTS previous_secret_until`);
  }
}
