import type { SqlTransaction } from '../../event-store';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyKeyTakenSignal, IdempotencyStore } from './idempotency-store';
import type { IdempotencyRecord, StoredResponse } from './idempotency-store';
import { IdempotentExecutor } from './idempotent-executor';
import type { IdempotencyRequest } from './idempotent-executor';
import { DEFAULT_WRITE_SETTINGS } from './write-settings';

/** In memory; `record` behaves like the PostgreSQL store once its transaction commits. */
class InMemoryIdempotencyStore extends IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  find(key: string): Promise<IdempotencyRecord | undefined> {
    return Promise.resolve(this.records.get(key));
  }

  record(_tx: SqlTransaction, record: IdempotencyRecord): Promise<void> {
    if (this.records.has(record.key)) throw new IdempotencyKeyTakenSignal(record.key);
    this.records.set(record.key, record);
    return Promise.resolve();
  }

  deleteExpired(): Promise<number> {
    return Promise.resolve(0);
  }
}

const transaction: SqlTransaction = {
  query: () => Promise.resolve({ rows: [], rowCount: 0 }),
};

const respond = (result: string): StoredResponse => ({
  status: 201,
  headers: { ETag: '"1"' },
  body: { result },
});

describe('IdempotentExecutor', () => {
  let store: InMemoryIdempotencyStore;
  let executor: IdempotentExecutor;
  const request = (fingerprint = 'f1'): IdempotencyRequest<string> => ({
    key: 'k1',
    fingerprint,
    respond,
  });

  beforeEach(() => {
    store = new InMemoryIdempotencyStore();
    executor = new IdempotentExecutor(store, DEFAULT_WRITE_SETTINGS);
  });

  it('runs a write without a key as it is', async () => {
    const write = jest.fn((record: unknown) => Promise.resolve(record === undefined ? 'a' : 'b'));
    await expect(executor.run(undefined, write)).resolves.toEqual({
      replayed: false,
      result: 'a',
    });
  });

  it('records the response inside the write, then replays it without writing again', async () => {
    const write = jest.fn(async (record?: (result: string) => unknown) => {
      const hook = record?.('done') as (tx: SqlTransaction) => Promise<void>;
      await hook(transaction);
      return 'done';
    });
    await expect(executor.run(request(), write)).resolves.toEqual({
      replayed: false,
      result: 'done',
    });
    await expect(executor.run(request(), write)).resolves.toEqual({
      replayed: true,
      response: respond('done'),
    });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('refuses the key with another fingerprint (422), without writing', async () => {
    store.records.set('k1', { key: 'k1', fingerprint: 'f1', response: respond('x') });
    const write = jest.fn(() => Promise.resolve('never'));
    await expect(executor.run(request('f2'), write)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('answers like a twin that committed while this write ran, whatever this write hit', async () => {
    const write = () => {
      store.records.set('k1', { key: 'k1', fingerprint: 'f1', response: respond('twin') });
      return Promise.reject(new Error('lost the race'));
    };
    await expect(executor.run(request(), write)).resolves.toEqual({
      replayed: true,
      response: respond('twin'),
    });
  });

  it('passes other failures on, and reports a taken key with no record as in flight', async () => {
    const failure = new Error('boom');
    await expect(executor.run(request(), () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(
      executor.run(request(), () => Promise.reject(new IdempotencyKeyTakenSignal('k1'))),
    ).rejects.toBeInstanceOf(IdempotencyKeyInFlightError);
  });
});
