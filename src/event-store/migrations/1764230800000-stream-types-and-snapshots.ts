import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Streams get a type, and the store keeps snapshots of folded state.
 *
 * - `events.stream_type`: every event records its stream's type, so two aggregates' streams can
 *   be told apart without knowing their event names. Every stream written so far is a todo. The
 *   default only fills the existing rows (adding a column with a constant default rewrites
 *   nothing and fires no row trigger, so the append-only guard stays in place); it is dropped
 *   at once, so an append that does not say its type fails instead of becoming a todo.
 * - `snapshots`: several per stream (one per version a writer chose to snapshot), so a read of
 *   the stream as it was at version N can start from the nearest one at or below N. The key
 *   leads with (stream, schema version) so the latest usable snapshot is one index probe.
 */
export class StreamTypesAndSnapshots1764230800000 implements MigrationInterface {
  name = 'StreamTypesAndSnapshots1764230800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE events ADD COLUMN IF NOT EXISTS stream_type TEXT NOT NULL DEFAULT 'todo'`,
    );
    await runner.query(`ALTER TABLE events ALTER COLUMN stream_type DROP DEFAULT`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS snapshots (
        stream_id UUID NOT NULL,
        stream_type TEXT NOT NULL,
        version BIGINT NOT NULL CHECK (version > 0),
        schema_version INTEGER NOT NULL CHECK (schema_version > 0),
        state JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT snapshots_pkey PRIMARY KEY (stream_id, schema_version, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS snapshots`);
    await runner.query(`ALTER TABLE events DROP COLUMN IF EXISTS stream_type`);
  }
}
