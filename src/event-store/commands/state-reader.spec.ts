import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '../core/in-memory-event-store';
import type { Event } from '../core/event';
import type { ReadStreamOptions } from '../core/event-store';
import type { Decider } from './decider';
import { StateReader } from './state-reader';
import { StreamBusyError } from './stream-busy.error';

type Added = { type: 'Added'; data: { by: number } };
const sum: Decider<number, never, Added> = {
  streamType: 'sum',
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
  decide: () => [],
  snapshot: { schemaVersion: 1, every: 10 },
};

/** Reads wait until released, so a test controls how many are in flight. */
class GatedStore extends InMemoryEventStore {
  inFlight = 0;
  maxInFlight = 0;
  private gate: Promise<void> = Promise.resolve();
  open!: () => void;

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  override async readStream<E extends Event = Event>(id: string, options?: ReadStreamOptions) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.gate;
    this.inFlight--;
    return super.readStream<E>(id, options);
  }
}

describe('StateReader', () => {
  const id = randomUUID();
  let store: GatedStore;

  beforeEach(async () => {
    store = new GatedStore();
    const events = Array.from({ length: 25 }, (_, i) => ({ type: 'Added', data: { by: i + 1 } }));
    await store.append(id, 0, events.slice(0, 20), {
      streamType: 'sum',
      snapshot: { schemaVersion: 1, state: 210 },
    });
    await store.append(id, 20, events.slice(20), { streamType: 'sum' });
  });

  it('folds a past version from the nearest snapshot at or below it', async () => {
    const reader = new StateReader(store);
    await expect(reader.at(sum, id, 22)).resolves.toEqual({
      state: 210 + 21 + 22,
      version: 22,
      snapshotVersion: 20,
    });
    await expect(reader.at(sum, id, 5)).resolves.toMatchObject({ state: 15, version: 5 });
    await expect(reader.at(sum, id, 99)).resolves.toMatchObject({ version: 25 });
  });

  it('runs at most maxConcurrentPastReads at once and fails those that wait too long', async () => {
    const reader = new StateReader(store, { maxConcurrentPastReads: 2, busyTimeoutMs: 50 });
    store.close();
    const reads = Array.from({ length: 6 }, () => reader.at(sum, id, 24).catch((e: unknown) => e));
    await new Promise((resolve) => setTimeout(resolve, 100));
    store.open();
    const results = await Promise.all(reads);
    expect(store.maxInFlight).toBe(2);
    expect(results.filter((r) => r instanceof StreamBusyError)).toHaveLength(4);
    expect(results.filter((r) => !(r instanceof Error))).toHaveLength(2);
  });

  it('hands a freed slot to the next reader in line', async () => {
    const reader = new StateReader(store, { maxConcurrentPastReads: 1, busyTimeoutMs: 1_000 });
    const results = await Promise.all(Array.from({ length: 5 }, () => reader.at(sum, id, 21)));
    expect(results.map((r) => r.state)).toEqual(Array(5).fill(231));
    expect(store.maxInFlight).toBe(1);
  });
});
