import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../../../test/support/database';
import type { TestDatabase } from '../../../../test/support/database';
import { InlineProjectionRegistry } from '../../core/inline-projection';
import { PostgresEventStore } from '../../core/postgres-event-store';
import { DeciderCommandHandler } from '../command-handler';
import type { Decider } from '../decider';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

type Noted = { type: 'Noted'; data: { n: number } };
const notes: Decider<number, number, Noted> = {
  streamType: 'note',
  initialState: 0,
  evolve: (sum, event) => sum + event.data.n,
  decide: (n) => [{ type: 'Noted', data: { n } }],
};

describe('Idempotency on PostgreSQL, through the generic command handler', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let idempotency: PostgresIdempotencyStore;
  let handler: DeciderCommandHandler;

  beforeAll(async () => {
    database = await openDatabase();
    store = new PostgresEventStore(database, new InlineProjectionRegistry());
    idempotency = new PostgresIdempotencyStore(database);
    handler = new DeciderCommandHandler(store, idempotency);
  });
  afterAll(() => database.close());

  it('records key, fingerprint, stream, type, resulting version and outcome with the events', async () => {
    const id = randomUUID();
    const key = randomUUID();
    await handler.handle(notes, id, 2, { idempotency: { key, fingerprint: 'f' } });
    await expect(idempotency.find(key)).resolves.toEqual({
      key,
      fingerprint: 'f',
      streamId: id,
      streamType: 'note',
      version: 1,
      outcome: 'appended',
    });
  });

  it('writes no record when the append fails, and no events when the record fails', async () => {
    const id = randomUUID();
    const key = randomUUID();
    await handler.handle(notes, id, 1);
    await expect(
      handler.handle(notes, id, 5, {
        idempotency: { key, fingerprint: 'f' },
        expectedVersions: [7],
      }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expect(idempotency.find(key)).resolves.toBeUndefined();

    // A live record of the key exists already: the second append rolls back entirely.
    const other = randomUUID();
    await handler.handle(notes, other, 1, { idempotency: { key, fingerprint: 'g' } });
    const sneaky = store.append(id, 1, [{ type: 'Noted', data: { n: 9 } }], {
      streamType: 'note',
      beforeCommit: (tx) =>
        idempotency.record(
          tx,
          {
            key,
            fingerprint: 'g',
            streamId: id,
            streamType: 'note',
            version: 2,
            outcome: 'appended',
          },
          60,
        ),
    });
    await expect(sneaky).rejects.toThrow('already recorded');
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('replays from the stream at the recorded version, and refuses another fingerprint', async () => {
    const id = randomUUID();
    const key = randomUUID();
    await handler.handle(notes, id, 3, { idempotency: { key, fingerprint: 'f' } });
    await handler.handle(notes, id, 4);
    await expect(
      handler.handle(notes, id, 3, { idempotency: { key, fingerprint: 'f' } }),
    ).resolves.toEqual({ state: 3, version: 1, newEvents: [], replayed: true });
    await expect(
      handler.handle(notes, id, 3, { idempotency: { key, fingerprint: 'other' } }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
