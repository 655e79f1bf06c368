import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored responses to requests sent with an `Idempotency-Key`. A row is written in the same
 * transaction as the events of the request, so a key is never recorded for a write that did not
 * happen, and a write never happens without its key.
 */
export class IdempotencyKeys1764230500000 implements MigrationInterface {
  name = 'IdempotencyKeys1764230500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        response JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL
      )`);
    // The periodic clean-up deletes by expiry; without this index it would scan the table.
    await runner.query(`
      CREATE INDEX IF NOT EXISTS idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}
