import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only `events` log. (Until the todo module took over `todo_read_views`, this
 * migration created that table too; `TodoReadViews1764230400001` now does, and finds it there
 * in every database migrated before.)
 */
export class InitialSchema1764230400000 implements MigrationInterface {
  name = 'InitialSchema1764230400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS events (
        aggregate_id UUID NOT NULL,
        sequence BIGINT NOT NULL CHECK (sequence > 0),
        event_id UUID NOT NULL DEFAULT gen_random_uuid(),
        event_type TEXT NOT NULL,
        payload JSONB NOT NULL,
        metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (aggregate_id, sequence),
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      )`);
    // The log is append-only: refuse UPDATE, DELETE and TRUNCATE at the database itself.
    await runner.query(`
      CREATE OR REPLACE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await runner.query(`DROP TRIGGER IF EXISTS events_append_only ON events`);
    await runner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`);
    await runner.query(`DROP TRIGGER IF EXISTS events_no_truncate ON events`);
    await runner.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS events`);
    await runner.query(`DROP FUNCTION IF EXISTS events_are_append_only()`);
  }
}
