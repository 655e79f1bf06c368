import type { SqlTransaction } from '../../event-store';

/** A response as it was sent, kept to be sent again for a retry. Plain JSON. */
export type StoredResponse = {
  status: number;
  /** Only the headers that matter to the client (e.g. `Location`, `ETag`). */
  headers: Record<string, string>;
  body: unknown;
};

export type IdempotencyRecord = {
  key: string;
  /** Digest of the request the key was first used with. */
  fingerprint: string;
  response: StoredResponse;
};

/**
 * Raised inside the appending transaction when a live record for the key exists already: the
 * append rolls back and the caller replays that record instead.
 */
export class IdempotencyKeyTakenSignal extends Error {
  constructor(readonly key: string) {
    super(`Idempotency key ${key} is already recorded.`);
    this.name = 'IdempotencyKeyTakenSignal';
  }
}

/** Port to the stored responses of idempotent requests. Also the Nest injection token. */
export abstract class IdempotencyStore {
  /** The live (unexpired) record of `key`, if any. */
  abstract find(key: string): Promise<IdempotencyRecord | undefined>;

  /**
   * Records `record` inside `transaction` (the one appending the request's events).
   *
   * @throws IdempotencyKeyInFlightError when another transaction is recording the same key now.
   * @throws IdempotencyKeyTakenSignal when a live record of the key exists already.
   */
  abstract record(
    transaction: SqlTransaction,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<void>;

  /** Deletes up to `limit` expired records; returns how many it deleted. */
  abstract deleteExpired(limit: number): Promise<number>;
}
