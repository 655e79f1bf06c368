import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Turns the log into something other modules can follow:
 * - `global_position` numbers every event across streams, and `transaction_id` records the
 *   writing transaction. Positions are taken before commit, so they become visible out of
 *   order; readers page by `(transaction_id, global_position)` and stop below the oldest
 *   transaction still running, which makes a slow writer delay them instead of being skipped.
 * - `schema_version` says which shape of its type an event's payload has (for upcasting).
 * - A statement trigger sends one NOTIFY per appending statement, delivered on commit, so the
 *   append code itself does not change.
 * - Checkpoints, dead letters and rebuild state of asynchronous projections.
 *
 * Existing rows get positions in their physical order and the migrating transaction's id, which
 * is below every later writer's.
 */
export class GlobalOrderAndSubscriptions1764230600000 implements MigrationInterface {
  name = 'GlobalOrderAndSubscriptions1764230600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events ADD COLUMN IF NOT EXISTS global_position BIGSERIAL`);
    await runner.query(
      `ALTER TABLE events ADD COLUMN IF NOT EXISTS transaction_id XID8 NOT NULL DEFAULT pg_current_xact_id()`,
    );
    await runner.query(
      `ALTER TABLE events ADD COLUMN IF NOT EXISTS schema_version INTEGER NOT NULL DEFAULT 1 CHECK (schema_version > 0)`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS events_global_position_key ON events (global_position)`,
    );
    await runner.query(
      `CREATE INDEX IF NOT EXISTS events_transaction_position_idx ON events (transaction_id, global_position)`,
    );

    await runner.query(`
      CREATE OR REPLACE FUNCTION events_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('events_appended', '');
        RETURN NULL;
      END $$`);
    await runner.query(`DROP TRIGGER IF EXISTS events_notify_appended ON events`);
    await runner.query(`
      CREATE TRIGGER events_notify_appended AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_notify_appended()`);

    await runner.query(`
      CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name TEXT PRIMARY KEY,
        transaction_id XID8 NOT NULL DEFAULT '0',
        global_position BIGINT NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'parked')),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS projection_dead_letters (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        projection TEXT NOT NULL,
        global_position BIGINT NOT NULL,
        transaction_id XID8 NOT NULL,
        event_id UUID NOT NULL,
        event_type TEXT NOT NULL,
        stream_id UUID NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        parked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        resolved_at TIMESTAMPTZ
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS projection_dead_letters_projection_idx
      ON projection_dead_letters (projection, id)`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS projection_rebuilds (
        name TEXT PRIMARY KEY,
        shadow_schema TEXT NOT NULL,
        transaction_id XID8 NOT NULL DEFAULT '0',
        global_position BIGINT NOT NULL DEFAULT 0,
        events_processed BIGINT NOT NULL DEFAULT 0,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS projection_rebuilds`);
    await runner.query(`DROP TABLE IF EXISTS projection_dead_letters`);
    await runner.query(`DROP TABLE IF EXISTS projection_checkpoints`);
    await runner.query(`DROP TRIGGER IF EXISTS events_notify_appended ON events`);
    await runner.query(`DROP FUNCTION IF EXISTS events_notify_appended()`);
    await runner.query(`DROP INDEX IF EXISTS events_transaction_position_idx`);
    await runner.query(`DROP INDEX IF EXISTS events_global_position_key`);
    await runner.query(
      `ALTER TABLE events DROP COLUMN IF EXISTS schema_version, DROP COLUMN IF EXISTS transaction_id, DROP COLUMN IF EXISTS global_position`,
    );
  }
}
