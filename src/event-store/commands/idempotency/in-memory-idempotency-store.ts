import { IdempotencyKeyTakenSignal, IdempotencyStore } from './idempotency-store';
import type { IdempotencyRecord } from './idempotency-store';

/**
 * `IdempotencyStore` in memory, beside `InMemoryEventStore` for unit tests. It records when the
 * append's hook runs; the in-memory store runs no further check after its hooks, so a recorded
 * key always belongs to committed events there.
 */
export class InMemoryIdempotencyStore extends IdempotencyStore {
  private readonly records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  find(key: string): Promise<IdempotencyRecord | undefined> {
    const found = this.records.get(key);
    return Promise.resolve(found && found.expiresAt > this.now() ? { ...found.record } : undefined);
  }

  record(_transaction: unknown, record: IdempotencyRecord, ttlSeconds: number): Promise<void> {
    const found = this.records.get(record.key);
    if (found && found.expiresAt > this.now()) {
      return Promise.reject(new IdempotencyKeyTakenSignal(record.key));
    }
    this.records.set(record.key, {
      record: { ...record },
      expiresAt: this.now() + ttlSeconds * 1000,
    });
    return Promise.resolve();
  }

  deleteExpired(limit: number): Promise<number> {
    let deleted = 0;
    for (const [key, { expiresAt }] of this.records) {
      if (deleted >= limit) break;
      if (expiresAt <= this.now()) {
        this.records.delete(key);
        deleted++;
      }
    }
    return Promise.resolve(deleted);
  }
}
