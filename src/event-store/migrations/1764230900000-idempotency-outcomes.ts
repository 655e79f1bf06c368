import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency record says what happened (the stream and the version the command left it at)
 * instead of holding an HTTP response: adapters render a retry's answer from the stream as it
 * was at that version. Live records of the old shape hold a todo as their body, so the stream
 * and version are taken from it; a record that cannot be read that way is dropped, and its key
 * simply runs again if retried.
 */
export class IdempotencyOutcomes1764230900000 implements MigrationInterface {
  name = 'IdempotencyOutcomes1764230900000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN stream_id UUID,
        ADD COLUMN stream_type TEXT,
        ADD COLUMN version BIGINT,
        ADD COLUMN outcome TEXT`);
    await runner.query(`
      UPDATE idempotency_keys
      SET stream_id = (response #>> '{body,id}')::uuid,
          stream_type = 'todo',
          version = (response #>> '{body,version}')::bigint,
          outcome = 'appended'
      WHERE response #>> '{body,id}' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        AND response #>> '{body,version}' ~ '^[1-9][0-9]{0,15}$'`);
    await runner.query(`DELETE FROM idempotency_keys WHERE stream_id IS NULL`);
    await runner.query(`
      ALTER TABLE idempotency_keys
        ALTER COLUMN stream_id SET NOT NULL,
        ALTER COLUMN stream_type SET NOT NULL,
        ALTER COLUMN version SET NOT NULL,
        ALTER COLUMN outcome SET NOT NULL,
        DROP COLUMN response`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // The old shape needs whole responses, which these records do not hold: they are dropped.
    await runner.query(`DELETE FROM idempotency_keys`);
    await runner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN response JSONB NOT NULL,
        DROP COLUMN stream_id,
        DROP COLUMN stream_type,
        DROP COLUMN version,
        DROP COLUMN outcome`);
  }
}
