import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '../core/in-memory-event-store';
import type { Event, NewEvent } from '../core/event';
import type { AppendOptions, AppendResult, ReadStreamOptions } from '../core/event-store';
import { DeciderCommandHandler } from './command-handler';
import type { Decider } from './decider';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
} from './idempotency/idempotency.errors';
import { IdempotencyKeyTakenSignal } from './idempotency/idempotency-store';
import { InMemoryIdempotencyStore } from './idempotency/in-memory-idempotency-store';
import { PreconditionFailedError } from './precondition-failed.error';
import { StreamBusyError } from './stream-busy.error';

// A counter: the smallest aggregate with a rule (it never goes below zero).
type Added = { type: 'Added'; data: { by: number } };
type Counter = { total: number };
type Add = { by: number };
class NegativeError extends Error {}

const counter: Decider<Counter, Add, Added> = {
  streamType: 'counter',
  initialState: { total: 0 },
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (state.total + command.by < 0) throw new NegativeError();
    return command.by === 0 ? [] : [{ type: 'Added', data: { by: command.by } }];
  },
  snapshot: { schemaVersion: 1, every: 3 },
};

/** An in-memory store whose next appends lose a race against a writer of another process. */
class RacyStore extends InMemoryEventStore {
  racesLeft = 0;
  reads: ReadStreamOptions[] = [];

  override readStream<E extends Event = Event>(id: string, options: ReadStreamOptions = {}) {
    this.reads.push(options);
    return super.readStream<E>(id, options);
  }

  override async append<E extends Event>(
    id: string,
    expected: number,
    events: readonly NewEvent<E>[],
    options: AppendOptions,
  ): Promise<AppendResult<E>> {
    if (this.racesLeft > 0) {
      this.racesLeft--;
      await super.append(id, expected, [{ type: 'Added', data: { by: 1 } }], {
        streamType: options.streamType,
      });
    }
    return super.append(id, expected, events, options);
  }
}

describe('DeciderCommandHandler', () => {
  let store: RacyStore;
  let handler: DeciderCommandHandler;
  const setup = (settings = {}) => {
    store = new RacyStore();
    handler = new DeciderCommandHandler(store, new InMemoryIdempotencyStore(), settings);
  };
  beforeEach(() => setup());

  it('decides on the folded state, appends with the stream type and returns what happened', async () => {
    const id = randomUUID();
    await handler.handle(counter, id, { by: 2 });
    const result = await handler.handle(counter, id, { by: 5 }, { metadata: { who: 'me' } });
    expect(result).toMatchObject({ state: { total: 7 }, version: 2, replayed: false });
    expect(result.newEvents).toMatchObject([
      {
        type: 'Added',
        data: { by: 5 },
        sequence: 2,
        streamType: 'counter',
        metadata: { who: 'me' },
      },
    ]);
  });

  it('appends nothing when the decider raises nothing, and lets its errors through', async () => {
    const id = randomUUID();
    await handler.handle(counter, id, { by: 1 });
    await expect(handler.handle(counter, id, { by: 0 })).resolves.toMatchObject({
      version: 1,
      newEvents: [],
    });
    await expect(handler.handle(counter, id, { by: -2 })).rejects.toBeInstanceOf(NegativeError);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('skips loading a stream that was just given a new id, and still obeys the rules if it exists', async () => {
    const id = randomUUID();
    await handler.handle(counter, id, { by: 1 }, { newStream: true });
    expect(store.reads).toEqual([]);
    // The id was not new after all: the first append loses, the retry loads and decides.
    const result = await handler.handle(counter, id, { by: 1 }, { newStream: true });
    expect(result.version).toBe(2);
  });

  describe('expected versions', () => {
    it('writes when the stream is at one of them', async () => {
      const id = randomUUID();
      await handler.handle(counter, id, { by: 1 });
      await expect(
        handler.handle(counter, id, { by: 1 }, { expectedVersions: [3, 1] }),
      ).resolves.toMatchObject({ version: 2 });
    });

    it('fails with expected and actual versions when it is not, writing nothing', async () => {
      const id = randomUUID();
      await handler.handle(counter, id, { by: 1 });
      const error: unknown = await handler
        .handle(counter, id, { by: 1 }, { expectedVersions: [2] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({ expectedVersions: [2], currentVersion: 1 });
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('fails instead of retrying when another writer wins the race', async () => {
      const id = randomUUID();
      await handler.handle(counter, id, { by: 1 });
      store.racesLeft = 1;
      await expect(
        handler.handle(counter, id, { by: 1 }, { expectedVersions: [1] }),
      ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 2 });
    });

    it('leaves a stream that does not exist to the decider', async () => {
      const result = await handler.handle(
        counter,
        randomUUID(),
        { by: 1 },
        { expectedVersions: [4] },
      );
      expect(result.version).toBe(1);
    });
  });

  describe('lost races without an expected version', () => {
    it('retries on the fresh state and succeeds', async () => {
      const id = randomUUID();
      await handler.handle(counter, id, { by: 1 });
      store.racesLeft = 3;
      const result = await handler.handle(counter, id, { by: 10 });
      expect(result).toMatchObject({ version: 5, state: { total: 14 } });
    });

    it('gives up with StreamBusyError after maxAttempts, writing nothing of its own', async () => {
      setup({ maxAttempts: 3 });
      const id = randomUUID();
      await handler.handle(counter, id, { by: 1 });
      store.racesLeft = 3;
      await expect(handler.handle(counter, id, { by: 10 })).rejects.toBeInstanceOf(StreamBusyError);
      const events = await store.readStream(id);
      expect(events.map((e) => e.data)).toEqual([{ by: 1 }, { by: 1 }, { by: 1 }, { by: 1 }]);
    });

    it('serialises concurrent writes of this process, so all of them succeed and none is lost', async () => {
      const id = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => handler.handle(counter, id, { by: 1 })),
      );
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect(await store.readStream(id)).toHaveLength(50);
    });

    it('fails a write that waited longer than busyTimeoutMs for its turn, and serves the next', async () => {
      setup({ busyTimeoutMs: 20 });
      const id = randomUUID();
      let unblock!: () => void;
      const blocked = new Promise<void>((resolve) => (unblock = resolve));
      const original = store.append.bind(store);
      let first = true;
      jest.spyOn(store, 'append').mockImplementation(async (...args) => {
        if (first) {
          first = false;
          await blocked;
        }
        return original(...args);
      });
      const holder = handler.handle(counter, id, { by: 1 });
      await expect(handler.handle(counter, id, { by: 1 })).rejects.toBeInstanceOf(StreamBusyError);
      unblock();
      await holder;
      await expect(handler.handle(counter, id, { by: 1 })).resolves.toMatchObject({ version: 2 });
    });
  });

  describe('snapshots', () => {
    it('writes one every `every` events and loads from it', async () => {
      const id = randomUUID();
      for (let i = 0; i < 7; i++) await handler.handle(counter, id, { by: 1 });
      const latest = await store.readSnapshot(id, { streamType: 'counter', schemaVersion: 1 });
      expect(latest).toMatchObject({ version: 6, state: { total: 6 } });
      store.reads = [];
      const result = await handler.handle(counter, id, { by: 1 });
      expect(result).toMatchObject({ version: 8, state: { total: 8 } });
      expect(store.reads).toEqual([{ streamType: 'counter', fromSequence: 7 }]);
    });

    it('ignores snapshots of another schema version and folds the stream', async () => {
      const id = randomUUID();
      for (let i = 0; i < 4; i++) await handler.handle(counter, id, { by: 2 });
      const reshaped = { ...counter, snapshot: { schemaVersion: 2, every: 3 } };
      const result = await handler.handle(reshaped, id, { by: 1 });
      expect(result).toMatchObject({ version: 5, state: { total: 9 } });
      expect(
        await store.readSnapshot(id, { streamType: 'counter', schemaVersion: 2 }),
      ).toMatchObject({ version: 5, state: { total: 9 } });
    });
  });

  describe('idempotency', () => {
    const key = () => ({ key: randomUUID(), fingerprint: 'request-a' });

    it('runs a command once per key; a retry replays the state at the recorded version', async () => {
      const id = randomUUID();
      const idempotency = key();
      const first = await handler.handle(counter, id, { by: 2 }, { idempotency });
      await handler.handle(counter, id, { by: 5 });
      const retry = await handler.handle(counter, id, { by: 2 }, { idempotency });
      expect(first).toMatchObject({ replayed: false, version: 1 });
      expect(retry).toEqual({ state: { total: 2 }, version: 1, newEvents: [], replayed: true });
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('refuses the key with another request', async () => {
      const idempotency = key();
      await handler.handle(counter, randomUUID(), { by: 1 }, { idempotency });
      await expect(
        handler.handle(
          counter,
          randomUUID(),
          { by: 1 },
          {
            idempotency: { ...idempotency, fingerprint: 'request-b' },
          },
        ),
      ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    });

    it('answers a twin that lost the race as the winner did', async () => {
      const id = randomUUID();
      const idempotency = key();
      const [a, b] = await Promise.all([
        handler.handle(counter, id, { by: 3 }, { idempotency }),
        handler.handle(counter, id, { by: 3 }, { idempotency }),
      ]);
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect(a.version).toBe(b.version);
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('reports a key taken by a write it cannot see yet as in flight, writing nothing', async () => {
      class Taken extends InMemoryIdempotencyStore {
        override record(): Promise<void> {
          return Promise.reject(new IdempotencyKeyTakenSignal('k'));
        }
      }
      handler = new DeciderCommandHandler(store, new Taken());
      const id = randomUUID();
      await expect(
        handler.handle(counter, id, { by: 1 }, { idempotency: key() }),
      ).rejects.toBeInstanceOf(IdempotencyKeyInFlightError);
      expect(await store.readStream(id)).toEqual([]);
    });

    it('records nothing when the command fails, so a retry runs again', async () => {
      const id = randomUUID();
      const idempotency = key();
      await expect(handler.handle(counter, id, { by: -1 }, { idempotency })).rejects.toBeInstanceOf(
        NegativeError,
      );
      await handler.handle(counter, id, { by: 1 });
      await expect(handler.handle(counter, id, { by: -1 }, { idempotency })).resolves.toMatchObject(
        { replayed: false, version: 2 },
      );
    });
  });

  it('passes on any other failure of the append at once, without retrying', async () => {
    const id = randomUUID();
    const append = jest.spyOn(store, 'append').mockRejectedValueOnce(new Error('disk full'));
    await expect(handler.handle(counter, id, { by: 1 })).rejects.toThrow('disk full');
    expect(append).toHaveBeenCalledTimes(1);
    expect(await store.readStream(id)).toEqual([]);
  });
});
