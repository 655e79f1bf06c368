import { randomUUID } from 'node:crypto';
import { ConcurrencyError, StreamTypeMismatchError } from './concurrency.error';
import type { EventStore } from './event-store';

const noted = (n: number) => ({ type: 'Noted', data: { n } });
const NOTES = { streamType: 'note' } as const;

/**
 * The behaviour every `EventStore` adapter must share, run against each of them (memory in the
 * unit tier, PostgreSQL in the integration tier), so a test written on the in-memory store
 * holds on PostgreSQL too.
 */
export function eventStoreContract(name: string, open: () => Promise<EventStore> | EventStore) {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });

    it('reads an unknown stream as empty', async () => {
      await expect(store.readStream(randomUUID())).resolves.toEqual([]);
    });

    it('appends with consecutive sequences and reads back in order with type and metadata', async () => {
      const id = randomUUID();
      const first = await store.append(
        id,
        0,
        [noted(1), { ...noted(2), metadata: { by: 't' } }],
        NOTES,
      );
      expect(first.nextExpectedVersion).toBe(2);
      expect(first.events.map((e) => [e.sequence, e.streamType])).toEqual([
        [1, 'note'],
        [2, 'note'],
      ]);
      await store.append(id, 2, [noted(3)], NOTES);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.sequence, e.data, e.streamId, e.streamType])).toEqual([
        [1, { n: 1 }, id, 'note'],
        [2, { n: 2 }, id, 'note'],
        [3, { n: 3 }, id, 'note'],
      ]);
      expect(events[1]?.metadata).toEqual({ by: 't' });
      expect(events[0]?.recordedAt).toBeInstanceOf(Date);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    });

    it('reads slices: from, to and limit are inclusive bounds', async () => {
      const id = randomUUID();
      await store.append(id, 0, [1, 2, 3, 4, 5].map(noted), NOTES);
      const seqs = async (options: Parameters<EventStore['readStream']>[1]) =>
        (await store.readStream(id, options)).map((e) => e.sequence);
      await expect(seqs({ fromSequence: 2, toSequence: 4 })).resolves.toEqual([2, 3, 4]);
      await expect(seqs({ fromSequence: 3, limit: 1 })).resolves.toEqual([3]);
      await expect(seqs({ toSequence: 9 })).resolves.toEqual([1, 2, 3, 4, 5]);
      await expect(store.readStream(id, { limit: 0 })).rejects.toThrow(RangeError);
    });

    it('refuses an append at a stale or future expected version and writes nothing', async () => {
      const id = randomUUID();
      await store.append(id, 0, [noted(1)], NOTES);
      for (const expected of [0, 2]) {
        const error: unknown = await store
          .append(id, expected, [noted(9)], NOTES)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: id, expectedVersion: expected, actualVersion: 1 });
      }
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('lets exactly one of two racing appends at the same version win', async () => {
      const id = randomUUID();
      const results = await Promise.allSettled([
        store.append(id, 0, [noted(1)], NOTES),
        store.append(id, 0, [noted(2)], NOTES),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('keeps stream types apart: a filter by type and a refused append of another type', async () => {
      const id = randomUUID();
      await store.append(id, 0, [noted(1)], NOTES);
      expect(await store.readStream(id, { streamType: 'note' })).toHaveLength(1);
      expect(await store.readStream(id, { streamType: 'other' })).toEqual([]);
      const error: unknown = await store
        .append(id, 1, [noted(2)], { streamType: 'other' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamTypeMismatchError);
      expect(error).toHaveProperty('code', 'STREAM_TYPE_MISMATCH');
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('rolls the append back when beforeCommit throws, and passes it the recorded events', async () => {
      const id = randomUUID();
      const seen: number[] = [];
      await expect(
        store.append(id, 0, [noted(1), noted(2)], {
          ...NOTES,
          beforeCommit: (_tx, events) => {
            seen.push(...events.map((e) => e.sequence));
            return Promise.reject(new Error('veto'));
          },
        }),
      ).rejects.toThrow('veto');
      expect(seen).toEqual([1, 2]);
      expect(await store.readStream(id)).toEqual([]);
      await store.append(id, 0, [noted(1)], NOTES);
    });

    it('writes snapshots with the append and finds the latest matching one', async () => {
      const id = randomUUID();
      const schema = (schemaVersion: number, atOrBelow?: number) => ({
        streamType: 'note',
        schemaVersion,
        ...(atOrBelow === undefined ? {} : { atOrBelow }),
      });
      await expect(store.readSnapshot(id, schema(1))).resolves.toBeUndefined();
      await store.append(id, 0, [noted(1), noted(2)], {
        ...NOTES,
        snapshot: { schemaVersion: 1, state: { sum: 3 } },
      });
      await store.append(id, 2, [noted(3)], {
        ...NOTES,
        snapshot: { schemaVersion: 2, state: 'v2' },
      });
      await store.append(id, 3, [noted(4)], {
        ...NOTES,
        snapshot: { schemaVersion: 1, state: { sum: 10 } },
      });
      await expect(store.readSnapshot(id, schema(1))).resolves.toEqual({
        streamId: id,
        streamType: 'note',
        version: 4,
        schemaVersion: 1,
        state: { sum: 10 },
      });
      await expect(store.readSnapshot(id, schema(1, 3))).resolves.toMatchObject({
        version: 2,
        state: { sum: 3 },
      });
      await expect(store.readSnapshot(id, schema(2))).resolves.toMatchObject({ version: 3 });
      await expect(store.readSnapshot(id, schema(1, 1))).resolves.toBeUndefined();
      await expect(store.readSnapshot(id, schema(3))).resolves.toBeUndefined();
      await expect(
        store.readSnapshot(id, { streamType: 'other', schemaVersion: 1 }),
      ).resolves.toBeUndefined();
    });

    it('writes no snapshot when the append fails', async () => {
      const id = randomUUID();
      await store.append(id, 0, [noted(1)], NOTES);
      await expect(
        store.append(id, 0, [noted(2)], { ...NOTES, snapshot: { schemaVersion: 1, state: 'x' } }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(
        store.readSnapshot(id, { streamType: 'note', schemaVersion: 1 }),
      ).resolves.toBeUndefined();
    });
  });
}
