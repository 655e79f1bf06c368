import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createScratchDatabase, openDatabase } from '../../../test/support/database';
import type { TestDatabase } from '../../../test/support/database';
import { waitFor } from '../../../test/support/wait-for';
import { runMigrations } from '../../database/data-source';
import { InitialSchema1764230400000 } from '../migrations/1764230400000-initial-schema';
import { LOG_START, readAfter } from './event-log-reader';
import { InlineProjectionRegistry } from './inline-projection';
import { PostgresEventStore } from './postgres-event-store';
import { UpcasterRegistry } from './upcaster';

jest.setTimeout(60_000);

describe('schema evolution', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openDatabase();
  });

  afterAll(() => database.close());

  it('stores a v1 payload written with raw SQL and reads it back as v2; new events are written as v2', async () => {
    const type = `Priced_${randomBytes(4).toString('hex')}`;
    const upcasters = new UpcasterRegistry();
    upcasters.register({
      eventType: type,
      fromVersion: 1,
      upcast: (data) => ({ price: { amount: data.cents, currency: 'EUR' } }),
    });
    const store = new PostgresEventStore(database, new InlineProjectionRegistry(), upcasters);
    const streamId = randomUUID();
    await database.rows(
      `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload, schema_version)
       VALUES ($1, 1, 'product', $2, '{"cents": 250}', 1)`,
      [streamId, type],
    );

    await store.append(streamId, 1, [{ type, data: { price: { amount: 99, currency: 'USD' } } }], {
      streamType: 'product',
    });

    const events = await store.readStream(streamId);
    expect(events.map((event) => event.data)).toEqual([
      { price: { amount: 250, currency: 'EUR' } },
      { price: { amount: 99, currency: 'USD' } },
    ]);
    const stored = await database.rows<{ schema_version: number; payload: unknown }>(
      'SELECT schema_version, payload FROM events WHERE aggregate_id = $1 ORDER BY sequence',
      [streamId],
    );
    // Subscribers read it in the current shape too.
    const [first] = await database.rows<{ tx: string; position: string }>(
      `SELECT transaction_id::text AS tx, global_position AS position FROM events
       WHERE aggregate_id = $1 AND sequence = 1`,
      [streamId],
    );
    const followed = await waitFor('the v1 event below the horizon', async () => {
      const [event] = await database.transaction((manager) =>
        readAfter(
          manager,
          upcasters,
          { transactionId: first?.tx ?? '0', globalPosition: Number(first?.position) - 1 },
          1,
        ),
      );
      return event;
    });
    expect(followed).toMatchObject({
      streamId,
      schemaVersion: 1,
      data: { price: { amount: 250, currency: 'EUR' } },
    });
    // The log itself is never rewritten: the old payload stays as it was stored.
    expect(stored).toEqual([
      { schema_version: 1, payload: { cents: 250 } },
      { schema_version: 2, payload: { price: { amount: 99, currency: 'USD' } } },
    ]);
  });
});

describe('the global-order migration', () => {
  it('gives events written before it positions, a transaction id and schema version 1', async () => {
    const scratch = await createScratchDatabase('global_order');
    try {
      await runMigrations(scratch.url, [InitialSchema1764230400000]);
      const old = new Client({ connectionString: scratch.url });
      await old.connect();
      const streamId = randomUUID();
      for (let sequence = 1; sequence <= 3; sequence++) {
        await old.query(
          `INSERT INTO events (aggregate_id, sequence, event_type, payload) VALUES ($1, $2, 'Old', $3)`,
          [streamId, sequence, JSON.stringify({ n: sequence })],
        );
      }
      await old.end();

      const migrated = await openDatabase(scratch.url);
      try {
        const upcasters = new UpcasterRegistry();
        const read = () =>
          migrated.transaction((manager) => readAfter(manager, upcasters, LOG_START, 10));
        // Transactions that started before the migration's (in any database of the server)
        // hold its events back until they end: that is the gap-safety at work.
        const events = await waitFor('the migrated events', async () => {
          const found = await read();
          return found.length > 0 ? found : undefined;
        });
        expect(events.map((event) => [event.sequence, event.data, event.schemaVersion])).toEqual([
          [1, { n: 1 }, 1],
          [2, { n: 2 }, 1],
          [3, { n: 3 }, 1],
        ]);
        expect(new Set(events.map((event) => event.globalPosition)).size).toBe(3);

        // The log keeps working after the migration.
        const store = new PostgresEventStore(migrated, new InlineProjectionRegistry(), upcasters);
        // Every stream written before streams had types is a todo stream.
        expect(events.map((event) => event.streamType)).toEqual(['todo', 'todo', 'todo']);
        await store.append(streamId, 3, [{ type: 'New', data: {} }], { streamType: 'todo' });
        expect(await store.readStream(streamId)).toHaveLength(4);
      } finally {
        await migrated.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});
