import { randomUUID } from 'node:crypto';
import { migrations } from '../../migrations';
import { createScratchDatabase, openDatabase } from '../../../test/support/database';
import { ConcurrencyError, StreamTypeMismatchError } from './concurrency.error';
import { EventStoreError } from './event-store.error';
import type { RecordedEvent } from './event';
import { InlineProjectionRegistry } from './inline-projection';
import type { SqlTransaction } from './inline-projection';
import { PostgresEventStore } from './postgres-event-store';
import type { TestDatabase } from '../../../test/support/database';

const noted = (n: number) => ({ type: 'Noted', data: { n } });
const note = { streamType: 'note' };

describe('PostgresEventStore', () => {
  let database: TestDatabase;
  let registry: InlineProjectionRegistry;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await openDatabase();
    await database.define(
      'test_projection',
      'CREATE TABLE IF NOT EXISTS test_projection (stream_id UUID, sequence BIGINT, n INT)',
    );
    registry = new InlineProjectionRegistry();
    registry.register({
      name: 'test_projection',
      eventTypes: ['Noted', 'Exploded'],
      apply: async (tx: SqlTransaction, events: readonly RecordedEvent[]) => {
        for (const event of events) {
          if (event.type === 'Exploded') throw new Error('projection failed');
          await tx.query('INSERT INTO test_projection VALUES ($1, $2, $3)', [
            event.streamId,
            event.sequence,
            event.data.n,
          ]);
        }
      },
    });
    store = new PostgresEventStore(database, registry);
  });

  afterAll(() => database.close());

  const projected = async (streamId: string) =>
    database.rows<{ sequence: number; n: number }>(
      'SELECT sequence::int AS sequence, n FROM test_projection WHERE stream_id = $1 ORDER BY sequence',
      [streamId],
    );

  it('reads an unknown stream as empty', async () => {
    await expect(store.readStream(randomUUID())).resolves.toEqual([]);
  });

  it('appends events with consecutive sequences and reads them back in order, with metadata', async () => {
    const streamId = randomUUID();
    const first = await store.append(
      streamId,
      0,
      [noted(1), { ...noted(2), metadata: { by: 'test' } }],
      note,
    );
    expect(first.nextExpectedVersion).toBe(2);
    const second = await store.append(streamId, 2, [noted(3)], note);
    expect(second.nextExpectedVersion).toBe(3);

    const events = await store.readStream(streamId);
    expect(events.map((e) => [e.sequence, e.type, e.data])).toEqual([
      [1, 'Noted', { n: 1 }],
      [2, 'Noted', { n: 2 }],
      [3, 'Noted', { n: 3 }],
    ]);
    expect(events[1]?.metadata).toEqual({ by: 'test' });
    expect(events[0]?.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[0]?.recordedAt).toBeInstanceOf(Date);
    expect(await projected(streamId)).toEqual([
      { sequence: 1, n: 1 },
      { sequence: 2, n: 2 },
      { sequence: 3, n: 3 },
    ]);
  });

  it.each([
    ['behind', 1],
    ['ahead', 5],
  ])(
    'refuses an expected version that is %s the stream, writing nothing',
    async (_case, expected) => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1), noted(2)], note);

      const error: unknown = await store
        .append(streamId, expected, [noted(3)], note)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ expectedVersion: expected, actualVersion: 2 });
      expect(await store.readStream(streamId)).toHaveLength(2);
      expect(await projected(streamId)).toHaveLength(2);
    },
  );

  it('refuses to create a stream that already exists (expected version 0)', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(1)], note);
    await expect(store.append(streamId, 0, [noted(2)], note)).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
  });

  it('lets exactly one of two concurrent appends at the same expected version win', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(0)], note);

    const results = await Promise.allSettled([
      store.append(streamId, 1, [noted(1)], note),
      store.append(streamId, 1, [noted(2)], note),
    ]);

    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const events = await store.readStream(streamId);
    expect(events.map((e) => e.sequence)).toEqual([1, 2]);
    expect(await projected(streamId)).toHaveLength(2);
  });

  it('lets exactly one of many concurrent writers win each version', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(0)], note);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => store.append(streamId, 1, [noted(i)], note)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect(result.reason).toBeInstanceOf(ConcurrencyError);
    }
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('rolls the append back when an inline projection fails', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(1)], note);

    await expect(
      store.append(streamId, 1, [noted(2), { type: 'Exploded', data: {} }], note),
    ).rejects.toThrow('projection failed');

    expect((await store.readStream(streamId)).map((e) => e.sequence)).toEqual([1]);
    expect(await projected(streamId)).toEqual([{ sequence: 1, n: 1 }]);
    // The stream is still writable at its real version.
    await expect(store.append(streamId, 1, [noted(2)], note)).resolves.toMatchObject({
      nextExpectedVersion: 2,
    });
  });

  it('appending nothing writes nothing', async () => {
    const streamId = randomUUID();
    await expect(store.append(streamId, 0, [], note)).resolves.toEqual({
      nextExpectedVersion: 0,
      events: [],
    });
    expect(await store.readStream(streamId)).toEqual([]);
  });

  it('reads a slice of a stream: from, up to, and at most', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(1), noted(2), noted(3), noted(4), noted(5)], note);
    const sequences = async (options: Parameters<typeof store.readStream>[1]) =>
      (await store.readStream(streamId, options)).map((event) => event.sequence);

    expect(await sequences({ toSequence: 2 })).toEqual([1, 2]);
    expect(await sequences({ fromSequence: 4 })).toEqual([4, 5]);
    expect(await sequences({ fromSequence: 2, limit: 2 })).toEqual([2, 3]);
    expect(await sequences({ fromSequence: 2, toSequence: 4, limit: 10 })).toEqual([2, 3, 4]);
    expect(await sequences({ fromSequence: 6 })).toEqual([]);
    for (const bad of [{ limit: 0 }, { fromSequence: -1 }, { toSequence: 1.5 }]) {
      await expect(store.readStream(streamId, bad)).rejects.toBeInstanceOf(RangeError);
    }
  });

  describe('beforeCommit', () => {
    beforeAll(() =>
      database.define(
        'test_side_records',
        'CREATE TABLE IF NOT EXISTS test_side_records (stream_id UUID, note TEXT)',
      ),
    );
    const sideRecords = async (streamId: string) =>
      database.rows<{ note: string }>('SELECT note FROM test_side_records WHERE stream_id = $1', [
        streamId,
      ]);

    it('runs in the appending transaction, with the recorded events', async () => {
      const streamId = randomUUID();
      let seen: number[] = [];
      await store.append(streamId, 0, [noted(1), noted(2)], {
        ...note,
        beforeCommit: async (tx, events) => {
          seen = events.map((event) => event.sequence);
          // The transaction already sees its own events and projections.
          const { rows } = await tx.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM events WHERE aggregate_id = $1',
            [streamId],
          );
          await tx.query('INSERT INTO test_side_records VALUES ($1, $2)', [
            streamId,
            `saw ${rows[0]?.n}`,
          ]);
        },
      });
      expect(seen).toEqual([1, 2]);
      expect(await sideRecords(streamId)).toEqual([{ note: 'saw 2' }]);
    });

    it('rolls everything back when it throws, and passes its error on', async () => {
      const streamId = randomUUID();
      const failure = new Error('hook failed');
      await expect(
        store.append(streamId, 0, [noted(1)], {
          ...note,
          beforeCommit: async (tx) => {
            await tx.query('INSERT INTO test_side_records VALUES ($1, $2)', [streamId, 'x']);
            throw failure;
          },
        }),
      ).rejects.toBe(failure);
      expect(await store.readStream(streamId)).toEqual([]);
      expect(await projected(streamId)).toEqual([]);
      expect(await sideRecords(streamId)).toEqual([]);
    });

    it('is not called when the append loses on the expected version', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1)], note);
      const hook = jest.fn(() => Promise.resolve());
      await expect(
        store.append(streamId, 0, [noted(2)], { ...note, beforeCommit: hook }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(hook).not.toHaveBeenCalled();
    });
  });

  describe('stream types', () => {
    it('records the stream type on every event and reads a stream of another type as empty', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1), noted(2)], note);

      const events = await store.readStream(streamId);
      expect(events.map((event) => event.streamType)).toEqual(['note', 'note']);
      expect(await store.readStream(streamId, { streamType: 'note' })).toHaveLength(2);
      await expect(store.readStream(streamId, { streamType: 'todo' })).resolves.toEqual([]);
    });

    it('refuses to append to a stream of another type, writing nothing', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1)], note);

      for (const expected of [1, 0, 7]) {
        const error: unknown = await store
          .append(streamId, expected, [noted(2)], { streamType: 'memo' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamTypeMismatchError);
        expect(error).toBeInstanceOf(EventStoreError);
        expect(error).toMatchObject({
          code: 'STREAM_TYPE_MISMATCH',
          streamId,
          expectedStreamType: 'memo',
          actualStreamType: 'note',
        });
      }
      expect(await store.readStream(streamId)).toHaveLength(1);
      expect(await projected(streamId)).toHaveLength(1);
    });

    it('lets one of two creators of the same stream with different types win; the stream keeps its type', async () => {
      const streamId = randomUUID();
      const results = await Promise.allSettled([
        store.append(streamId, 0, [noted(1)], { streamType: 'a' }),
        store.append(streamId, 0, [noted(2)], { streamType: 'b' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(EventStoreError);
      const events = await store.readStream(streamId);
      expect(events).toHaveLength(1);
      const winner = events[0]?.streamType;
      expect(winner === 'a' || winner === 'b').toBe(true);
    });

    it('reports a concurrency conflict, not a type mismatch, when the type is right', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1)], note);
      await expect(store.append(streamId, 0, [noted(2)], note)).rejects.toMatchObject({
        code: 'CONCURRENCY_CONFLICT',
        actualVersion: 1,
      });
    });
  });

  describe('snapshots', () => {
    const read = (streamId: string, options: { schemaVersion?: number; atOrBelow?: number } = {}) =>
      store.readSnapshot<{ total: number }>(streamId, {
        streamType: 'note',
        schemaVersion: 1,
        ...options,
      });

    it('has none for a new stream, or when the append asks for none', async () => {
      const streamId = randomUUID();
      await expect(read(streamId)).resolves.toBeUndefined();
      await store.append(streamId, 0, [noted(1)], note);
      await expect(read(streamId)).resolves.toBeUndefined();
    });

    it("writes the snapshot at the stream's version after the append, and reads the latest", async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1), noted(2)], {
        ...note,
        snapshot: { schemaVersion: 1, state: { total: 3 } },
      });
      await expect(read(streamId)).resolves.toEqual({
        streamId,
        streamType: 'note',
        version: 2,
        schemaVersion: 1,
        state: { total: 3 },
      });

      await store.append(streamId, 2, [noted(3)], note);
      await store.append(streamId, 3, [noted(4), noted(5)], {
        ...note,
        snapshot: { schemaVersion: 1, state: { total: 15 } },
      });
      await expect(read(streamId)).resolves.toMatchObject({ version: 5, state: { total: 15 } });
    });

    it('keeps older snapshots: the nearest one at or below a version', async () => {
      const streamId = randomUUID();
      let version = 0;
      for (const n of [1, 2, 3, 4]) {
        const { nextExpectedVersion } = await store.append(streamId, version, [noted(n)], {
          ...note,
          ...(n % 2 === 0 ? { snapshot: { schemaVersion: 1, state: { total: n } } } : {}),
        });
        version = nextExpectedVersion;
      }
      await expect(read(streamId, { atOrBelow: 1 })).resolves.toBeUndefined();
      await expect(read(streamId, { atOrBelow: 2 })).resolves.toMatchObject({ version: 2 });
      await expect(read(streamId, { atOrBelow: 3 })).resolves.toMatchObject({ version: 2 });
      await expect(read(streamId, { atOrBelow: 4 })).resolves.toMatchObject({ version: 4 });
      await expect(read(streamId, { atOrBelow: 99 })).resolves.toMatchObject({ version: 4 });
    });

    it('ignores snapshots of another schema version or stream type', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1)], {
        ...note,
        snapshot: { schemaVersion: 1, state: { total: 1 } },
      });
      await store.append(streamId, 1, [noted(2)], {
        ...note,
        snapshot: { schemaVersion: 2, state: { sum: 3 } },
      });
      await expect(read(streamId)).resolves.toMatchObject({ version: 1, state: { total: 1 } });
      await expect(read(streamId, { schemaVersion: 2 })).resolves.toMatchObject({
        version: 2,
        state: { sum: 3 },
      });
      await expect(read(streamId, { schemaVersion: 3 })).resolves.toBeUndefined();
      await expect(
        store.readSnapshot(streamId, { streamType: 'todo', schemaVersion: 1 }),
      ).resolves.toBeUndefined();
    });

    it('writes nothing when the append fails: a lost race, a type mismatch or a failing hook', async () => {
      const streamId = randomUUID();
      await store.append(streamId, 0, [noted(1)], note);
      const snapshot = { schemaVersion: 1, state: { total: 99 } };

      await expect(
        store.append(streamId, 0, [noted(2)], { ...note, snapshot }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(
        store.append(streamId, 1, [noted(2)], { streamType: 'memo', snapshot }),
      ).rejects.toBeInstanceOf(StreamTypeMismatchError);
      await expect(
        store.append(streamId, 1, [noted(2)], {
          ...note,
          snapshot,
          beforeCommit: () => Promise.reject(new Error('hook failed')),
        }),
      ).rejects.toThrow('hook failed');

      await expect(read(streamId)).resolves.toBeUndefined();
      expect(await store.readStream(streamId)).toHaveLength(1);
    });

    it('refuses schema versions and bounds that are not positive integers', async () => {
      const streamId = randomUUID();
      await expect(read(streamId, { schemaVersion: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(read(streamId, { atOrBelow: 1.5 })).rejects.toBeInstanceOf(RangeError);
      await expect(
        store.append(streamId, 0, [noted(1)], {
          ...note,
          snapshot: { schemaVersion: -1, state: {} },
        }),
      ).rejects.toBeInstanceOf(RangeError);
      expect(await store.readStream(streamId)).toEqual([]);
    });
  });

  it('keeps the log append-only: updates and deletes are refused by the database', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [noted(1)], note);
    for (const change of [
      `UPDATE events SET payload = '{}' WHERE aggregate_id = $1`,
      'DELETE FROM events WHERE aggregate_id = $1',
    ]) {
      // The service's role has no such privilege, and even the owner meets the trigger.
      await expect(database.rows(change, [streamId])).rejects.toThrow(/permission denied/);
      await expect(database.asOwner(change, [streamId])).rejects.toThrow(/append-only/);
    }
    expect(await store.readStream(streamId)).toHaveLength(1);
  });
});

describe('migrations', () => {
  it('are safe when several processes start at once on an empty database, and idempotent', async () => {
    const scratch = await createScratchDatabase('migrations');
    try {
      const open = () => openDatabase(scratch.url);
      const sources = await Promise.all([open(), open(), open()]);
      const again = await open(); // a restart finds nothing pending
      const applied = await again.asOwner<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY id',
      );
      // Every module's migrations, in timestamp order.
      const expected = migrations
        .map((M) => new M().name)
        .sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13)));
      expect(applied.map((m) => m.name)).toEqual(expected);
      expect(expected).toContain('TodoReadViews1764230400001');
      const tables = await again.rows<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('events', 'todo_read_views') ORDER BY 1`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(['events', 'todo_read_views']);
      await Promise.all([...sources, again].map((source) => source.close()));
    } finally {
      await scratch.drop();
    }
  });
});
