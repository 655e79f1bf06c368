import type { SqlTransaction } from '../../core/inline-projection';

/** What the client sent with an idempotency key. */
export type IdempotencyRequest = {
  key: string;
  /** Digest of everything that makes the request what it is (e.g. method, path, body). */
  fingerprint: string;
};

/**
 * What happened the first time a key was used: the command appended to `streamId` and left it
 * at `version`. Enough for any adapter to answer a retry exactly as it answered the original,
 * from the stream as it was at that version; it holds nothing of HTTP.
 */
export type IdempotencyRecord = IdempotencyRequest & {
  streamId: string;
  streamType: string;
  version: number;
  /** Today always `appended`: a command that fails or changes nothing records no key. */
  outcome: 'appended';
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

/** Port to the records of idempotent commands. Also the Nest injection token. */
export abstract class IdempotencyStore {
  /** The live (unexpired) record of `key`, if any. */
  abstract find(key: string): Promise<IdempotencyRecord | undefined>;

  /**
   * Records `record` inside `transaction` (the one appending the command's events).
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
