import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addTenantColumn, protectTenantTable, rekey } from '../../../database/tenancy';

/**
 * The list views. `lists_views` and `lists_items` are kept by the inline projection `lists` in
 * each list append's transaction; `lists_todo_cards` by the subscription `lists_todos` from the
 * todo streams. No foreign keys between them: each projection is rebuilt on its own. Every table
 * belongs to a tenant, keyed and indexed with the tenant first, and PostgreSQL keeps each
 * tenant's rows to itself (as for the todo and activity tables).
 */
export class ListsTables1764231300001 implements MigrationInterface {
  name = 'ListsTables1764231300001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS lists_views (
        id UUID PRIMARY KEY,
        name TEXT NOT NULL,
        archived BOOLEAN NOT NULL DEFAULT FALSE,
        version BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`);
    // One row per todo that was ever in a list. position: the sequence of the event that added
    // it, so the order is the order of adding. todo_*: the todo as the list saw it when adding
    // it, shown until lists_todo_cards knows a newer version of the todo. A removed todo's row
    // stays (removed): the answer to a replayed add still finds what the list saw.
    await runner.query(`
      CREATE TABLE IF NOT EXISTS lists_items (
        list_id UUID NOT NULL,
        todo_id UUID NOT NULL,
        position BIGINT NOT NULL,
        todo_title TEXT NOT NULL,
        todo_completed BOOLEAN NOT NULL,
        todo_version BIGINT NOT NULL,
        removed BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (list_id, todo_id)
      )`);
    // Every todo as the todo streams last said: what a list shows of its todos.
    await runner.query(`
      CREATE TABLE IF NOT EXISTS lists_todo_cards (
        todo_id UUID PRIMARY KEY,
        title TEXT NOT NULL,
        completed BOOLEAN NOT NULL,
        deleted BOOLEAN NOT NULL,
        version BIGINT NOT NULL
      )`);

    const keys = {
      lists_views: 'tenant_id, id',
      lists_items: 'tenant_id, list_id, todo_id',
      lists_todo_cards: 'tenant_id, todo_id',
    };
    for (const [table, key] of Object.entries(keys)) {
      await addTenantColumn(runner, table);
      await rekey(runner, table, key);
    }
    // The list tables are written in the list's appending transaction (the service's role);
    // the cards by the lists_todos subscription (the worker role), and read by the service.
    const runtimeWrites = {
      runtime: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      worker: [],
    } as const;
    await protectTenantTable(runner, 'lists_views', runtimeWrites);
    await protectTenantTable(runner, 'lists_items', runtimeWrites);
    await protectTenantTable(runner, 'lists_todo_cards', {
      runtime: ['SELECT'],
      worker: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    });
    // Pages are newest first within a tenant, optionally by `archived`; a list's todos by position.
    await runner.query(`
      CREATE INDEX IF NOT EXISTS lists_views_created_idx
      ON lists_views (tenant_id, created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS lists_views_archived_created_idx
      ON lists_views (tenant_id, archived, created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS lists_items_position_idx
      ON lists_items (tenant_id, list_id, position)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS lists_todo_cards`);
    await runner.query(`DROP TABLE IF EXISTS lists_items`);
    await runner.query(`DROP TABLE IF EXISTS lists_views`);
  }
}
